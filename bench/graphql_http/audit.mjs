import { auditServer } from 'graphql-http';
const url = process.argv[2];
const results = await auditServer({ url });
const counts = {};
for (const r of results) {
  counts[r.status] = (counts[r.status] || 0) + 1;
  if (r.status !== 'ok') console.log(r.status, r.id, r.name, r.reason ? String(r.reason).slice(0, 200) : '');
}
console.log(JSON.stringify(counts));
