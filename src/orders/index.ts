/** The service-order domain (点单–派单–接单–评单): types and queries, menu and deadlines, mutations, live updates. */
import './schema.js';
import './menu.js';
import './mutations.js';
import './live.js';
import './records.js';
