// Some unit suites load the shipped reference data (35,014 communes, CPV) in beforeAll: seconds on a busy
// machine, past Jest's 5 s default. Pure tests still fail fast on a real hang.
jest.setTimeout(Number(process.env.UNIT_TEST_TIMEOUT_MS ?? 60_000));
