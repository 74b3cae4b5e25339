// Builds the native em kernel (src/lda/native/em.cc, binding.gyp) with node-gyp against this Node's own
// headers (never downloaded) and puts it beside the compiled LDA code as dist/src/lda/em-native.node.
// Without a C++ toolchain or Node's headers the build goes on with a warning and the WebAssembly kernel runs
// instead (docs/DECISIONS.md, issue 16, session 8); the test lda-native asserts the addon is loaded where CI runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const target = 'dist/src/lda/em-native.node';
const warn = (why) => {
  rmSync(target, { force: true });
  process.stderr.write(`spot-ml build: the native em kernel was not built (${why}); the WebAssembly kernel will run instead\n`);
};

// Node's headers: npm's nodedir when set (Debian's npm sets /usr), else the prefix of this node binary.
const nodedir = process.env.npm_config_nodedir || dirname(dirname(process.execPath));
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  warn(`no Node headers under ${nodedir}/include/node`);
} else {
  const gyp = nodeGyp();
  const run = gyp && spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (!run) {
    warn('node-gyp is not installed (a devDependency: npm ci installs it)');
  } else if (run.status === 0 && existsSync('build/Release/em_native.node')) {
    copyFileSync('build/Release/em_native.node', target);
  } else {
    process.stderr.write(run.stderr ?? '');
    warn(run.error ? run.error.message : `node-gyp exited with ${run.status}`);
  }
}

function nodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}
