// Starts the ONVIF device of the onvif npm package's own tests (agsh/onvif 0.6.5, test/serverMockup.coffee):
// an HTTP device service answering with responses recorded from real cameras, and a WS-Discovery
// responder on UDP 3702. .ci/deps installs it (with coffeescript and dot) into NPMDIR; HOSTNAME and PORT
// say where its device service is.
require(process.env.NPMDIR + '/node_modules/coffeescript/register');
require(process.env.NPMDIR + '/node_modules/onvif/test/serverMockup.coffee');
console.log('ready');
