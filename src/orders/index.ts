/** The service-order domain (点单–派单–接单–评单): types and queries, mutations, live updates. */
import './schema.js';
import './mutations.js';
import './live.js';
