//! The pipeline that `filter` and `check` share: envelope and raw message
//! in, parsed message and [`Plan`] out. Reads the profile files and runs the
//! engines (the only network I/O); writes nothing that outlives the call.

use bytes::Bytes;
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::engines::{ChainInput, MemberSize, run_chain};
use crate::envelope::Envelope;
use crate::error::Result;
use crate::message::{self, Message};
use crate::notify::state::Store;
use crate::profile::Profile;
use crate::rules;
use crate::verdict::{Condition, Plan, decide, stops_without_engines};

/// A message judged.
#[derive(Debug)]
pub struct Judged {
    /// The profile applied.
    pub profile: Profile,
    /// The parsed message.
    pub message: Message,
    /// The decision.
    pub plan: Plan,
    /// Trouble with the bomber state while judging (Redis unusable, the
    /// files counted instead), one line each, for stderr.
    pub notices: Vec<String>,
}

/// Chooses the profile for `envelope`, parses `raw` (shared, not copied), evaluates the rules,
/// runs the anti-virus chain and decides. `user_profiles` enables the
/// per-user profile in the delivering user's home (QMVC's `-u`); `now`
/// is the bomber clock.
///
/// Errors: the profile cannot be read or is invalid ([`crate::error::Error`]
/// is temporary: the caller defers).
pub fn judge(
    config: &Config,
    envelope: &Envelope,
    raw: &Bytes,
    user_profiles: bool,
    now: DateTime<Utc>,
) -> Result<Judged> {
    let home =
        (user_profiles && !envelope.home.is_empty()).then(|| std::path::Path::new(&envelope.home));
    let profile = config.profile_for(&envelope.domain, home)?;
    let message = message::parse_shared(raw, &config.limits);
    let (mut findings, inside) = rules::evaluate_inside(&message, envelope, &profile.conditions);
    // The engines need only the members' sizes ([`MemberSize`]).
    let members = MemberSize::of(&inside);
    drop(inside);
    // A virus bomber past the threshold is a finding of its own when the
    // profile short-circuits. The counter is only read here; a state that
    // cannot be read brakes nothing.
    let mut notices = Vec::new();
    if !envelope.null_sender {
        let found = Store::of(config).short_circuit(
            &envelope.sender,
            now,
            &profile.reactions.bomber,
            &mut notices,
        );
        match found {
            Ok(Some(finding)) => findings.push(finding),
            Ok(None) => {}
            Err(e) => notices.push(e.chain()),
        }
    }
    // The engines are skipped only for a message the findings so far
    // already take out (the same rule as `bypass`): where the bomber's
    // verdict passes (a domain profile or a user's `.qmvc.toml` passing
    // badmail), the sender's mail is still scanned, and a virus found
    // takes it out by the virus action.
    let bomber = findings.iter().any(|f| f.condition == Condition::Bomber);
    if bomber && stops_without_engines(&findings, &profile.actions) {
        let plan = decide(findings, Vec::new(), false, &profile.actions);
        return Ok(Judged {
            profile,
            message,
            plan,
            notices,
        });
    }
    let chain = run_chain(&ChainInput {
        engines: &config.engines,
        policy: &profile.scan,
        raw,
        message: &message,
        findings: &findings,
        members: &members,
        actions: &profile.actions,
        workdir: &config.paths.workdir,
    });
    findings.extend(chain.findings);
    let plan = decide(findings, chain.reports, chain.unscanned, &profile.actions);
    Ok(Judged {
        profile,
        message,
        plan,
        notices,
    })
}
