/** The street-report domain (随手拍 / 随手报): types, queries and mutations, live updates. */
import './schema.js';
import './live.js';
