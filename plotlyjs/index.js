'use strict';

// plotly.js core (which always carries the scatter trace, the components such as
// legend / hover / modebar / annotations, toImage and typed-array decoding) plus
// only the trace types the dashboard draws. Keep TRACES in scripts/build_plotly.sh
// in step with the register() call below.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/bar')
]);

module.exports = Plotly;
