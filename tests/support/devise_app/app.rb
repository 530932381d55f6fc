# frozen_string_literal: true

# A real Rails 6.1 application using Devise 4.8 (Recoverable), for resetctl's
# tests: everything that reads or writes the database below is Devise's and
# Active Record's own code, reached the way a browser would reach it.
#
# DB is a SQLite file, a postgres:// URL (Active Record's postgresql adapter,
# ruby-pg) or a mysql:// URL (its mysql2 adapter, ruby-mysql2).
#
# usage: ruby app.rb create  DB EMAIL PASSWORD
#        ruby app.rb reset   DB TOKEN NEW_PASSWORD
#        ruby app.rb sign-in DB EMAIL PASSWORD
#        ruby app.rb issue   DB EMAIL
#        ruby app.rb row     DB EMAIL
#        ruby app.rb session-salt|session-check|remember-me|remember-check DB ARG
#
# create   makes the users table from Devise's standard migration if it is
#          missing, then adds a user through the model (Devise hashes the
#          password).
# reset    PUT /users/password to Devise's PasswordsController#update with
#          user[reset_password_token], user[password] and
#          user[password_confirmation]; succeeds when Devise accepted the token
#          and the password changed, refused with Devise's own error otherwise.
# sign-in  POST /users/sign_in, then asks the app whether the session is signed
#          in.
# issue    Devise makes a reset token itself (what send_reset_password_instructions
#          does, without the mail) and the raw token is printed alone on stdout.
# row      prints the user's encrypted_password, reset_password_token and
#          reset_password_sent_at exactly as stored, as one line of JSON.
# session-salt, session-check, remember-me, remember-check: what Devise keeps
#          in a signed-in user's session and remember-me cookie, and whether
#          it still takes it; see sessions.rb.
#
# The link such an app mails is /users/password/edit?reset_password_token=RAW;
# that page does not check the token, only the PUT that reset drives does.
#
# Environment:
#   SECRET_KEY_BASE        required: the app's secret_key_base
#   DEVISE_SECRET_KEY      Devise.secret_key; when unset or empty Devise falls
#                          back to secret_key_base
#   DEVISE_PEPPER          Devise.pepper, appended to passwords before bcrypt
#   RESET_PASSWORD_WITHIN  seconds a reset token stays valid (default 21600)
#   DEVISE_STRETCHES       bcrypt cost for new hashes (default 4; bcrypt raises
#                          anything below 4 to 4)
#   AT                     RFC 3339 time the app runs at (ActiveSupport's
#                          travel_to, so whole seconds)
#   USER_ID                the users table's key as `create` makes it:
#                          integer (default, `create_table :users`), or uuid
#                          (`id: :uuid` on PostgreSQL, `id: :string`
#                          elsewhere, as Rails apps with UUID keys do), the
#                          model giving each new user SecureRandom.uuid
#
# Exit status: 0 done or yes, 1 refused or no, 2 the harness itself failed.
# Every command prints one line; failures of the harness go to stderr.

USAGE = <<~TEXT
  usage: ruby app.rb create DB EMAIL PASSWORD
         ruby app.rb reset DB TOKEN NEW_PASSWORD
         ruby app.rb sign-in DB EMAIL PASSWORD
         ruby app.rb issue DB EMAIL
         ruby app.rb row DB EMAIL
         ruby app.rb session-salt|remember-me DB EMAIL
         ruby app.rb session-check|remember-check DB JSON
TEXT
require_relative "sessions"
ARITY = { "create" => 2, "reset" => 2, "sign-in" => 2, "issue" => 1, "row" => 1 }
        .merge(DeviseSessions::ARITY).freeze

# Ruby exits 1 on an uncaught exception, which would read as "refused"; a
# broken harness must never pass for a refusal.
def broken(message)
  warn "devise_app: #{message}"
  exit 2
end

command, db_arg, *args = ARGV
broken("unknown command or wrong arguments\n#{USAGE}") unless db_arg && ARITY[command] == args.size
broken("SECRET_KEY_BASE is required") if ENV["SECRET_KEY_BASE"].to_s.empty?
USER_ID = ENV["USER_ID"].to_s.empty? ? "integer" : ENV["USER_ID"]
broken("USER_ID must be integer or uuid, got #{USER_ID.inspect}") unless %w[integer uuid].include?(USER_ID)

# Fixed whatever the caller's shell says: test is the environment with no host
# allow-list (development has one and would block Rack::Test's example.org),
# and DATABASE_URL would override the database given on the command line.
ENV["RAILS_ENV"] = "test"
ENV.delete("DATABASE_URL")

# A server's URL: postgres:// is Active Record's postgresql adapter (ruby-pg),
# mysql:// its mysql2 adapter (ruby-mysql2), which Active Record names by the
# URL's scheme.
SERVER = db_arg.start_with?("postgres://", "postgresql://", "mysql://")
# The sqlite3 adapter resolves a relative path against Rails.root, not the
# caller's working directory.
DB_PATH = SERVER ? db_arg.sub(%r{\Amysql://}, "mysql2://") : File.expand_path(db_arg)
# SQLite would quietly create an empty file, and the command would fail on a
# missing table instead of on the mistyped path.
broken("no database at #{DB_PATH}") unless command == "create" || SERVER || File.file?(DB_PATH)

begin
  # Compiling Rails' and Devise's Ruby is most of each run; bootsnap keeps the
  # compiled code between runs (about 1.0 s down to 0.6 s a command). Without
  # it the harness only runs slower. msgpack must be loaded before bootsnap,
  # whose own require of it fails outside Bundler.
  begin
    require "tmpdir"
    require "msgpack"
    require "bootsnap"
    Bootsnap.setup(
      cache_dir: File.join(Dir.tmpdir, "resetctl-devise-app-#{Process.uid}"),
      development_mode: false,
      # The load-path cache only sees gems Bundler activated; there is none.
      load_path_cache: false
    )
  rescue LoadError
    nil
  end

  # Only the frameworks Devise needs: booting all of Rails costs more than
  # every command here put together.
  require "rails"
  require "active_record/railtie"
  require "action_controller/railtie"
  require "devise"
  require "devise/orm/active_record"
  require "rack/test"
  require "json"

  def env_integer(name, default)
    Integer(ENV.fetch(name, default.to_s), 10)
  rescue ArgumentError
    broken("#{name} must be an integer, got #{ENV[name].inspect}")
  end

  Devise.setup do |config|
    # Devise's own initializer keeps a secret_key that is already set, and
    # treats an empty string as set.
    config.secret_key = ENV["DEVISE_SECRET_KEY"] if ENV["DEVISE_SECRET_KEY"].present?
    config.pepper = ENV["DEVISE_PEPPER"].presence
    config.stretches = env_integer("DEVISE_STRETCHES", 4)
    config.reset_password_within = env_integer("RESET_PASSWORD_WITHIN", 21_600).seconds
  end

  class DeviseApp < Rails::Application
    config.load_defaults 6.1
    # Rails would otherwise take the caller's working directory as its root.
    config.root = __dir__
    config.eager_load = false
    # Nothing is written beside this file: no log/ directory.
    config.logger = ActiveSupport::Logger.new(nil)
    config.secret_key_base = ENV.fetch("SECRET_KEY_BASE")
    config.action_controller.allow_forgery_protection = false
    # Errors raise out of the request instead of becoming a 500 page, so a
    # broken harness is not mistaken for a refusal.
    config.action_dispatch.show_exceptions = false

    # The database is a command-line argument, not a config/database.yml.
    config.define_singleton_method(:database_configuration) do
      if SERVER
        { "test" => { "url" => DB_PATH } }
      else
        { "test" => { "adapter" => "sqlite3", "database" => DB_PATH } }
      end
    end

    # Routes are drawn during initialize!, and devise_for needs the model then;
    # defining it in the app's own initializer keeps Active Record from loading
    # before its railtie has configured it.
    initializer "devise_app.models" do
      class ::User < ActiveRecord::Base
        # The modules `rails generate devise User` gives a new app.
        devise :database_authenticatable, :registerable,
               :recoverable, :rememberable, :validatable

        # What an app keyed by UUIDs adds: the key is made by the model, on
        # every engine alike.
        before_create { self.id ||= SecureRandom.uuid } if USER_ID == "uuid"
      end
    end
  end

  # Devise gives Warden its strategies once, when the first route set (any
  # engine's) is finalized during initialize!; a devise_for evaluated later (in
  # an appended block, or drawn after boot) leaves sign-in silently failing.
  # Prepended blocks are evaluated when the routes are cleared, before that.
  Rails.application.routes.prepend do
    devise_for :users
    root to: "session_probes#show"
  end

  Rails.application.initialize!

  class ApplicationController < ActionController::Base
  end

  # Where Devise sends a signed-in user; tells the harness what the session
  # cookie says.
  class SessionProbesController < ApplicationController
    def show
      render plain: user_signed_in? ? "signed-in #{current_user.email}" : "signed-out"
    end
  end

  # The key USER_ID asks for: PostgreSQL has a uuid type, the others keep
  # the text in a string column.
  USER_KEY = if USER_ID == "integer"
               {}
             else
               { id: User.connection.adapter_name == "PostgreSQL" ? :uuid : :string }
             end

  # Mirrors db/migrate/..._devise_create_users.rb from Devise's generator,
  # with the modules above.
  class DeviseCreateUsers < ActiveRecord::Migration[6.1]
    def change
      create_table :users, **USER_KEY do |t|
        ## Database authenticatable
        t.string :email,              null: false, default: ""
        t.string :encrypted_password, null: false, default: ""

        ## Recoverable
        t.string   :reset_password_token
        t.datetime :reset_password_sent_at

        ## Rememberable
        t.datetime :remember_created_at

        t.timestamps null: false
      end

      add_index :users, :email,                unique: true
      add_index :users, :reset_password_token, unique: true
    end
  end

  if (at = ENV["AT"].presence)
    require "active_support/testing/time_helpers"
    time = begin
      Time.iso8601(at)
    rescue ArgumentError
      broken("AT must be an RFC 3339 time, got #{at.inspect}")
    end
    Object.new.extend(ActiveSupport::Testing::TimeHelpers).travel_to(time)
  end

  def find_user(email)
    # Devise's own lookup, so emails are matched as Devise matches them
    # (stripped, case-insensitive).
    User.find_for_authentication(email: email)
  end

  def user_or_refuse(email)
    user = find_user(email)
    return user if user

    puts "no user #{email}"
    exit 1
  end

  def stored_row(user)
    # Straight from the database, before Active Record casts anything.
    sql = User.sanitize_sql_array(
      ["SELECT encrypted_password, reset_password_token, reset_password_sent_at FROM users WHERE id = ?", user.id]
    )
    User.connection.select_one(sql)
  end

  case command
  when "create"
    email, password = args
    unless User.connection.table_exists?(:users)
      ActiveRecord::Migration.verbose = false
      DeviseCreateUsers.new.migrate(:up)
    end
    user = User.create(email: email, password: password)
    if user.persisted?
      puts "created #{user.email}"
    else
      puts "refused: #{user.errors.full_messages.join('; ')}"
      exit 1
    end

  when "issue"
    user = user_or_refuse(args[0])
    # Recoverable#send_reset_password_instructions is exactly this plus the
    # mail, and Action Mailer is not loaded.
    puts user.send(:set_reset_password_token)

  when "row"
    user = user_or_refuse(args[0])
    puts JSON.generate(stored_row(user))

  when "reset"
    token, new_password = args
    browser = Rack::Test::Session.new(Rails.application)
    browser.put "/users/password", user: {
      reset_password_token: token, password: new_password, password_confirmation: new_password
    }
    response = browser.last_response
    controller = browser.last_request.env["action_controller.instance"]
    errors = controller.respond_to?(:resource, true) ? controller.send(:resource)&.errors : nil
    if response.redirect? && errors&.empty?
      # Devise has cleared the token, so the user is the one it signed in.
      browser.get "/"
      state, email = browser.last_response.body.split(" ", 2)
      user = state == "signed-in" && find_user(email)
      row = user && stored_row(user)
      unless row && user.valid_password?(new_password) &&
             row["reset_password_token"].nil? && row["reset_password_sent_at"].nil?
        broken("Devise redirected after the reset but the row does not show it: #{row.inspect}")
      end
      puts "reset: Devise accepted the token; new password set for #{user.email}, token cleared"
    elsif errors&.any?
      puts "refused: #{errors.full_messages.join('; ')}"
      exit 1
    else
      broken("unexpected response #{response.status}: #{response.body[0, 300]}")
    end

  when *DeviseSessions::ARITY.keys
    DeviseSessions.run(command, args)

  when "sign-in"
    email, password = args
    browser = Rack::Test::Session.new(Rails.application)
    browser.post "/users/sign_in", user: { email: email, password: password }
    # On failure Devise re-renders the sign-in form with its message in
    # flash.now, which never reaches a later request.
    alert = browser.last_request.env["action_dispatch.request.flash_hash"]&.[](:alert)
    browser.get "/"
    state, signed_in_as = browser.last_response.body.split(" ", 2)
    if state == "signed-in"
      puts "signed in as #{signed_in_as}"
    elsif state == "signed-out"
      puts "refused: #{alert || 'not signed in'}"
      exit 1
    else
      broken("unexpected response #{browser.last_response.status}: #{browser.last_response.body[0, 300]}")
    end
  end
rescue SystemExit
  raise
rescue Exception => e
  broken("#{e.class}: #{e.message}\n  #{Array(e.backtrace).first(8).join("\n  ")}")
end
