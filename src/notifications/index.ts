/** Notifications (issue 13): the worker, reminders, broadcasts, preferences, and their API. */
import './schema.js';
import './live.js';
