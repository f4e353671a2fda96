/*
 * The roster's rules, for the other domains that call them (projects, care, orders, auth, the
 * seed). Each rule lives in its aggregate's module; this file only gathers them:
 *
 * - ./rules.ts          shared pure rules: statuses, check-in window, check-out cap, staffing
 * - ./locks.ts          the row locks and their one global order
 * - ./open-shifts.ts    which shifts are public and which take sign-ups
 * - ./posts/rules.ts    duty posts
 * - ./shifts/rules.ts   planning shifts; ./shifts/settle.ts ending them; ./shifts/query.ts roster filters
 * - ./assignments/      sign-ups, waitlist, check-in/out, no-shows
 * - ./records/rules.ts  service records outside the roster
 * - ./credit.ts         crediting minutes, the daily limit
 */
export * from './rules.js';
export * from './open-shifts.js';
export * from './posts/rules.js';
export * from './shifts/rules.js';
export * from './shifts/settle.js';
export * from './shifts/query.js';
export * from './assignments/rules.js';
export * from './assignments/waitlist.js';
export * from './records/rules.js';
