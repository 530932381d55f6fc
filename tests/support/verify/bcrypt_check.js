// Exit 0 when bcryptjs (the reset-flow guide's Node app) accepts the
// password on stdin for the hash in argv[2], 1 when not.
const bcrypt = require("bcryptjs");
const password = require("fs").readFileSync(0, "utf8");
process.exit(bcrypt.compareSync(password, process.argv[2]) ? 0 : 1);
