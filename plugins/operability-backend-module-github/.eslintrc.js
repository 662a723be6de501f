module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // Tests run the module inside the real operability plugin (no mocked extension point).
  testRules: { '@backstage/no-mixed-plugin-imports': 'off' },
});
