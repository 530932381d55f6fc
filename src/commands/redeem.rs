use serde_json::json;

use crate::cli::RedeemArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::input::token_arg;
use crate::service::{NewPassword, redeem};

pub fn run(ctx: &Context, args: &RedeemArgs) -> Result<()> {
    // Read before the database is opened: a malformed token is 65
    // whatever the database holds.
    let presented = ctx.store.parse(&token_arg(&args.token)?)?;
    // The prompt reads the controlling terminal, not stdin, so `redeem - <
    // link.txt` still prompts; cron jobs and CI have none.
    let source = if args.password_stdin {
        NewPassword::Stdin
    } else if std::fs::File::open("/dev/tty").is_ok() {
        NewPassword::Prompt
    } else {
        return Err(
            Error::usage("no terminal to ask for the new password on").with_hint(
                "pass --password-stdin and send the password as one line of standard input",
            ),
        );
    };
    let named = args.user.as_deref().map(|u| (u, args.by));
    let done = redeem(ctx, presented, named, source, args.notify)?;
    if ctx.out.json {
        let mut v = json!({ "user": done.user.json(), "redeemed": true });
        if let Some(sent) = done.notified {
            v["sent"] = json!(sent);
        }
        return ctx.out.json(&v);
    }
    ctx.out.say(format!(
        "Password changed for {}; the reset token is used up.",
        done.user.label()
    ))
}
