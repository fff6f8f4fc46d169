// ESLint 9 flat config: `npm run lint` checks every script the pages load, and the JS tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // Vendored, minified copies of other projects' code.
    ignores: ["static/vendor/**", "node_modules/**"],
  },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        ...globals.browser,
        // socket.io.min.js is loaded as a classic script before the views' modules.
        io: "readonly",
      },
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.node,
    },
  },
  {
    rules: {
      eqeqeq: ["error", "always"],
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_", caughtErrors: "none" }],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
];
