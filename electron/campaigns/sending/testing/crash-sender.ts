// A campaign sender in a process of its own, for the exactly-once test: it opens a replica file, sends a
// run to a loopback SMTP server and kills itself (SIGKILL, no cleanup) at an exact point of the nth
// message's life — after the mail server accepted it but before the outcome was recorded, the worst case.
//
//   node --import tsx electron/campaigns/sending/testing/crash-sender.ts '<json config>'
import { writeSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { openLocalStore } from '../../../store/local-store.ts';
import { createReplica } from '../../../sync/replica.ts';
import { createRunClient } from '../run-client.ts';
import { sendRun, type CampaignRow } from '../run-sender.ts';

type Config = {
  file: string;
  serverUrl: string;
  accessToken: string;
  deviceId: string;
  user: { id: string; brokerageId: string; name: string; email: string };
  smtpPort: number;
  campaign: CampaignRow;
  runId: string;
  crash: { point: 'afterAccepted' | 'afterRecorded'; nth: number };
};

const config = JSON.parse(process.argv[2]!) as Config;
const say = (line: string) => writeSync(1, `${line}\n`);

const store = openLocalStore(config.file, config.user.id);
const replica = createReplica(store.sqlite, { nodeId: config.deviceId, userId: config.user.id, brokerageId: config.user.brokerageId });
const transport = nodemailer.createTransport({ host: '127.0.0.1', port: config.smtpPort, secure: false, ignoreTLS: true });
let count = 0;
const maybeCrash = (point: Config['crash']['point']) => (contactId: string) => {
  if (point !== config.crash.point) return;
  count += 1;
  say(`${point} ${contactId}`);
  if (count === config.crash.nth) {
    say(`crash ${contactId}`);
    process.kill(process.pid, 'SIGKILL');
  }
};

await sendRun({
  store,
  mutate: (edits) => void replica.mutate(edits),
  campaign: config.campaign,
  runId: config.runId,
  sender: { id: config.user.id, name: config.user.name, email: config.user.email, brokerageId: config.user.brokerageId },
  smtp: { fromEmail: config.user.email, fromName: config.user.name },
  transport,
  runs: createRunClient({ serverUrl: config.serverUrl, accessToken: async () => config.accessToken, refreshAccessToken: async () => config.accessToken }),
  pageSize: 2,
  // One message at a time, so the kill lands between two exact messages and the test can name them.
  concurrency: 1,
  hooks: { afterAccepted: maybeCrash('afterAccepted'), afterRecorded: maybeCrash('afterRecorded') },
});
say('finished without crashing');
store.close();
