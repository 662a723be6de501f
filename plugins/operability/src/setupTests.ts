import '@testing-library/jest-dom';

// Component tests render whole cards and pages in jsdom: on a busy 2-core machine one can take
// several seconds, which is slowness, not failure.
jest.setTimeout(30_000);
