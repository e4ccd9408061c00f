// Regenerate svix-npm-vectors.json: npm install svix@1 && node generate.js .. > svix-npm-vectors.json (svix 1.99.1 made the committed file).
// Signatures made by the svix npm package, the independent signer FleetTwins' verifier is checked against.
const { Webhook } = require('svix');
const fs = require('fs');
const secrets = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_' + Buffer.from('fleettwins-rotation-secret-2026').toString('base64')];
const bodies = [
  fs.readFileSync(process.argv[2] + '/volteras/device.telemetry.STATE_OF_CHARGE.1.json', 'utf8'),
  fs.readFileSync(process.argv[2] + '/telematica/vehicle.charging-status.json', 'utf8'),
  '{"unicode":"Zürich ✓ 東京","n":1}',
  '',
];
const vectors = [];
let n = 0;
for (const secret of secrets) {
  for (const body of bodies) {
    const id = 'msg_' + (++n).toString().padStart(4, '0') + 'p5jXN8AQM9LWM0D4loKWxJek';
    const timestamp = new Date(Date.UTC(2026, 10, 23, 9, 0, n));
    const signature = new Webhook(secret).sign(id, timestamp, body);
    vectors.push({ secret, id, timestamp: Math.floor(timestamp.getTime() / 1000), body, signature });
  }
}
console.log(JSON.stringify(vectors, null, 2));
