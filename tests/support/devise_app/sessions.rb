# frozen_string_literal: true

# app.rb's session commands: what Devise keeps for a signed-in user, and
# whether Devise still takes it. Loaded by app.rb once the app has booted.
#
# session-salt   DB EMAIL: User.serialize_into_session(user), the
#                [[id], authenticatable_salt] Warden keeps in the session
#                cookie at sign-in, as JSON.
# session-check  DB JSON: User.serialize_from_session(*JSON), which Warden
#                runs on every request that carries that session: the user
#                when the salt (the first 29 characters of the bcrypt hash)
#                still matches, nil otherwise.
# remember-me    DB EMAIL: what Devise's remember_me(user) does at a sign-in
#                with "remember me": user.remember_me!, then the cookie's
#                value User.serialize_into_cookie(user), [[id],
#                rememberable_value, generated_at], as JSON. The model has no
#                remember_token column, so rememberable_value is the salt.
#                Not under AT: its frozen clock makes generated_at equal
#                remember_created_at, which Devise refuses.
# remember-check DB JSON: User.serialize_from_cookie(*JSON), which Devise's
#                Rememberable strategy runs for a request carrying that
#                cookie.
module DeviseSessions
  ARITY = { "session-salt" => 1, "session-check" => 1, "remember-me" => 1, "remember-check" => 1 }.freeze

  module_function

  # The JSON argument as [[id], rest...], or exit 2: a malformed argument is
  # the test's mistake, not Devise refusing.
  def parse(json, size)
    value = JSON.parse(json)
    return value if value.is_a?(Array) && value.size == size && value[0].is_a?(Array)

    broken("expected a JSON array of #{size} starting with [id], got #{json}")
  rescue JSON::ParserError => e
    broken("not JSON: #{e.message}")
  end

  def answer(user, what)
    if user
      puts "#{what}: Devise takes it for #{user.email}"
    else
      puts "refused: #{what}: Devise returns no user"
      exit 1
    end
  end

  def run(command, args)
    case command
    when "session-salt"
      puts JSON.generate(User.serialize_into_session(user_or_refuse(args[0])))
    when "session-check"
      answer(User.serialize_from_session(*parse(args[0], 2)), "session")
    when "remember-me"
      user = user_or_refuse(args[0])
      user.remember_me!
      puts JSON.generate(User.serialize_into_cookie(user))
    when "remember-check"
      answer(User.serialize_from_cookie(*parse(args[0], 3)), "remember cookie")
    end
  end
end
