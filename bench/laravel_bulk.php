<?php
// The baseline of bench/frameworks.sh's laravel-issue-all: what Laravel's
// DatabaseTokenRepository::create does for one user (a token as
// createNewToken makes it, its bcrypt hash at cost 10, the user's old row
// deleted and the new one inserted), done for every user of the database
// in one transaction, on one core as PHP runs.
$db = new PDO('sqlite:' . $argv[1]);
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$emails = $db->query('SELECT email FROM users ORDER BY id')->fetchAll(PDO::FETCH_COLUMN);
$delete = $db->prepare('DELETE FROM password_reset_tokens WHERE email = ?');
$insert = $db->prepare('INSERT INTO password_reset_tokens (email, token, created_at) VALUES (?, ?, ?)');
$db->beginTransaction();
foreach ($emails as $email) {
    $token = hash_hmac('sha256', bin2hex(random_bytes(20)), 'base64:bench-app-key');
    $delete->execute([$email]);
    $insert->execute([$email, password_hash($token, PASSWORD_BCRYPT, ['cost' => 10]), date('Y-m-d H:i:s')]);
}
$db->commit();
