//! The pipeline that `filter` and `check` share: envelope and raw message
//! in, parsed message and [`Plan`] out. Reads the profile files and runs the
//! engines (the only network I/O); writes nothing that outlives the call.

use crate::config::Config;
use crate::engines::{ChainInput, run_chain};
use crate::envelope::Envelope;
use crate::error::Result;
use crate::message::{self, Message};
use crate::profile::Profile;
use crate::rules;
use crate::verdict::{Plan, decide};

/// A message judged.
#[derive(Debug)]
pub struct Judged {
    /// The profile applied.
    pub profile: Profile,
    /// The parsed message.
    pub message: Message,
    /// The decision.
    pub plan: Plan,
}

/// Chooses the profile for `envelope`, parses `raw`, evaluates the rules,
/// runs the anti-virus chain and decides. `user_profiles` enables the
/// per-user profile in the delivering user's home (QMVC's `-u`).
///
/// Errors: the profile cannot be read or is invalid ([`crate::error::Error`]
/// is temporary: the caller defers).
pub fn judge(
    config: &Config,
    envelope: &Envelope,
    raw: &[u8],
    user_profiles: bool,
) -> Result<Judged> {
    let home =
        (user_profiles && !envelope.home.is_empty()).then(|| std::path::Path::new(&envelope.home));
    let profile = config.profile_for(&envelope.domain, home)?;
    let message = message::parse(raw, &config.limits);
    let mut findings = rules::evaluate(&message, envelope, &profile.conditions);
    let chain = run_chain(&ChainInput {
        engines: &config.engines,
        policy: &profile.scan,
        raw,
        message: &message,
        findings: &findings,
        workdir: &config.paths.workdir,
    });
    findings.extend(chain.findings);
    let plan = decide(findings, chain.reports, chain.unscanned, &profile.actions);
    Ok(Judged {
        profile,
        message,
        plan,
    })
}
