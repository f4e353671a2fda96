import { afterAll } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { useFixtureClock } from './roster-fixtures.js';

/*
 * Runs for every test file. A worker runs its files one after another in one module graph
 * (vitest.config.ts, `isolate: false`), so what a file leaves in a module's state, the next file
 * finds: the fixture clock most of all, which a file's manual clock (2026-03-01, say) would
 * otherwise stay at for the next file's collection and setup. Each file ends on the system clock.
 */
afterAll(() => useFixtureClock(systemClock));
