import { h, RATING_NAMES } from './dom.js';
import { post } from './http.js';

/** High / medium / low buttons; the current rating is pressed. Rating writes the day's feedback file. */
export function ratingButtons(base: string, rank: number, current: number | null, onDone: (rating: number) => void): HTMLElement {
  const box = h('span', { class: 'rate', 'data-rank': rank });
  const render = (value: number | null) => {
    box.replaceChildren(
      ...[1, 2, 3].map((r) =>
        h(
          'button',
          {
            type: 'button',
            class: `r${r}${value === r ? ' on' : ''}`,
            title: `rate ${RATING_NAMES[r]} risk`,
            'aria-pressed': value === r ? 'true' : 'false',
            'data-rating': RATING_NAMES[r],
            onclick: async () => {
              box.querySelectorAll('button').forEach((b) => ((b as HTMLButtonElement).disabled = true));
              try {
                await post(`/api${base}/events/${rank}/rating`, { rating: RATING_NAMES[r] });
                render(r);
                onDone(r);
              } catch (err) {
                render(value);
                box.append(h('span', { class: 'error' }, ` ${(err as Error).message}`));
              }
            },
          },
          RATING_NAMES[r],
        ),
      ),
    );
  };
  render(current);
  return box;
}
