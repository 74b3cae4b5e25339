import { h, setView } from './dom.js';
import { allowlistView } from './allowlist-view.js';
import { daysView } from './days-view.js';
import { eventsView } from './events-view.js';
import { explainView } from './explain-view.js';
import { ipView } from './ip-view.js';
import { movedView } from './moved-view.js';
import { networkView } from './network-view.js';

/** Every view has its own URL; navigation is by real links, so the page reads its path once. */
async function route(): Promise<void> {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(location.search);
  if (parts.length === 0) return daysView();
  if (parts[0] === 'allowlist' && parts.length === 1) return allowlistView();
  if (parts[0] === 'days' && parts.length >= 3) {
    const [, day, type, view, arg] = parts;
    if (parts.length === 3) return eventsView(day, type, params);
    if (view === 'events' && arg && parts.length === 5) return explainView(day, type, Number(arg));
    if (view === 'ips' && arg && parts.length === 5) return ipView(day, type, arg);
    if (view === 'network' && parts.length === 4) return networkView(day, type, params);
    if (view === 'moved' && parts.length === 4) return movedView(day, type, params);
  }
  setView('not found', h('h1', {}, 'No such page'), h('p', {}, h('a', { href: '/' }, 'back to the days')));
}

route()
  .then(() => document.body.setAttribute('data-ready', 'true'))
  .catch((err: Error) => {
    setView('error', h('h1', {}, 'Something went wrong'), h('p', { class: 'error', id: 'error' }, err.message), h('p', {}, h('a', { href: '/' }, 'back to the days')));
    document.body.setAttribute('data-ready', 'error');
  });
