# Exit 0 when Ruby's BCrypt::Password (what Devise's sign-in uses) accepts
# the password on stdin for the hash in ARGV[0], 1 when not.
require "bcrypt"

exit(BCrypt::Password.new(ARGV[0]) == STDIN.binmode.read ? 0 : 1)
