<?php
// The PHP side of bench/frameworks.sh: what Laravel does with a new
// password (Hash::make at cost 12), and with `reset`, what its reset does
// first too: password_verify of the token against the stored row.
const TOKEN = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const TOKEN_ROW = '$2y$10$/GxkyLvti1u9RbsSSMfxpOAU8i4VX/M0kXaN93SR.Zp1n49jf87ma';
$password = stream_get_contents(STDIN);
if (($argv[1] ?? '') === 'reset' && !password_verify(TOKEN, TOKEN_ROW)) {
    exit(1);
}
password_hash($password, PASSWORD_BCRYPT, ['cost' => 12]);
