import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Component tests render whole cards and pages in jsdom: on a busy 2-core machine one can take
// several seconds, which is slowness, not failure.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
