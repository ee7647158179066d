// Project-level `testTimeout` is ignored by Jest in multi-project configs; services-backed tests need minutes.
jest.setTimeout(Number(process.env.TEST_TIMEOUT_MS ?? 180_000));
