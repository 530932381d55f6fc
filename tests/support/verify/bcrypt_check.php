<?php
// Exit 0 when PHP's password_verify (what Laravel's Hash::check calls)
// accepts the password on stdin for the hash in argv[1], 1 when not.
exit(password_verify(stream_get_contents(STDIN), $argv[1]) ? 0 : 1);
