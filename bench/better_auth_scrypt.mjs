// The baseline for redeeming under framework = "better-auth": what Better
// Auth's own reset spends on the new password, one scrypt hash with its
// parameters (@better-auth/utils password.node: N 16384, r 16, p 1, 64-byte
// key, the NFKC-normalized password, a salt of 16 random bytes as 32 hex
// characters whose text is the scrypt salt, "salt:key" in lowercase hex).
//
//   node bench/better_auth_scrypt.mjs < password          one hash, as a process
//                                                          for hyperfine
//   node bench/better_auth_scrypt.mjs --times N < password
//                                                          N hashes in one process;
//                                                          prints the mean and the
//                                                          fastest in ms
//
// The password comes on stdin, never in argv. Only Node's own crypto is used,
// so it runs without the test env; `--print` writes the hash, which the
// Better Auth harness's `verify` accepts.
import { randomBytes, scrypt } from "node:crypto";
import { readFileSync } from "node:fs";

const N = 16384;
const r = 16;
const p = 1;
const dkLen = 64;

function hash(password) {
  const salt = randomBytes(16).toString("hex");
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, dkLen, { N, r, p, maxmem: 128 * N * r * 2 }, (err, key) =>
      err ? reject(err) : resolve(`${salt}:${key.toString("hex")}`),
    );
  });
}

const args = process.argv.slice(2);
const password = readFileSync(0, "utf8");
const timesAt = args.indexOf("--times");
if (timesAt === -1) {
  const h = await hash(password);
  if (args.includes("--print")) process.stdout.write(h + "\n");
} else {
  const times = Number(args[timesAt + 1]);
  if (!Number.isInteger(times) || times < 1) {
    process.stderr.write("--times needs a count of at least 1\n");
    process.exit(2);
  }
  const ms = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    await hash(password);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const mean = ms.reduce((a, b) => a + b, 0) / times;
  process.stdout.write(
    JSON.stringify({ hashes: times, mean_ms: +mean.toFixed(2), min_ms: +Math.min(...ms).toFixed(2) }) + "\n",
  );
}
