// @ts-check
// Mocha 12 ships its command-line helpers as `.cjs` files, and @stryker-mutator/mocha-runner 10.0.0
// requires them without an extension (`mocha/lib/cli/run-helpers`), which Node.js resolves only
// to `.js`, `.json` or `.node`: the runner fails to load. Loaded into every Stryker process (see
// mutation/run.ts), this resolves such a path inside mocha to its `.cjs` file instead.
import { registerHooks } from 'node:module';

const MOCHA_CLI = /[\\/]node_modules[\\/]mocha[\\/]lib[\\/]cli[\\/][^\\/.]+$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!MOCHA_CLI.test(specifier)) throw error;
      return nextResolve(`${specifier}.cjs`, context);
    }
  },
});
