<?php
// Loads the dotenv file argv[1] with phpdotenv itself (Debian's
// php-vlucas-phpdotenv, the parser Laravel uses) into an in-memory
// repository, so the process environment takes no part, and prints
// {"ok":{NAME:VALUE,...}} with the names still set afterwards, or
// {"error":"..."} when phpdotenv rejects the file.
require '/usr/share/php/Dotenv/autoload.php';

use Dotenv\Dotenv;
use Dotenv\Repository\Adapter\ArrayAdapter;
use Dotenv\Repository\RepositoryBuilder;

$file = $argv[1];
$repository = RepositoryBuilder::createWithNoAdapters()
    ->addAdapter(ArrayAdapter::class)
    ->immutable()
    ->make();
try {
    $loaded = Dotenv::create($repository, dirname($file), basename($file))->load();
} catch (\Dotenv\Exception\ExceptionInterface $e) {
    echo json_encode(['error' => $e->getMessage()], JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    exit(0);
}
$set = [];
foreach (array_keys($loaded) as $name) {
    $value = $repository->get($name);
    if ($value !== null) {
        $set[$name] = $value;
    }
}
echo json_encode(['ok' => (object) $set], JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
