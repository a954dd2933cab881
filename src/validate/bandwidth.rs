//! Bandwidth limits: where they shape anything and what each rate needs
//! (`bandwidth.placement`, `bandwidth.rate-required`, `bandwidth.range`, `bandwidth.floor`).

use super::Checker;
use crate::model::interface::Rate;
use crate::model::kind::InterfaceKind;
use crate::version::LibvirtVersion;

/// The largest rate libvirt 11.3's schema takes (2^54).
const RATE_MAX_11_3: u64 = 1 << 54;
/// The largest burst libvirt 11.3 takes.
const BURST_MAX_11_3: u64 = 4_194_303;

impl Checker<'_> {
    pub(super) fn bandwidth(&mut self) {
        let Some(bw) = self.i.bandwidth.as_deref().copied() else {
            return;
        };
        let ty = self.ty();
        if matches!(
            self.i.kind,
            InterfaceKind::Hostdev(_) | InterfaceKind::VhostUser(_)
        ) {
            self.err(
                "bandwidth.placement",
                "bandwidth",
                format!(
                    "bandwidth on type='{ty}': libvirt accepts it but no host tap device exists \
                     to shape, so the limits silently do nothing"
                ),
            );
        }
        let is_network = matches!(self.i.kind, InterfaceKind::Network(_));
        for (dir, rate) in [("inbound", bw.inbound), ("outbound", bw.outbound)] {
            let Some(r) = rate else {
                continue;
            };
            let base = if dir == "inbound" {
                "bandwidth/inbound"
            } else {
                "bandwidth/outbound"
            };
            self.rate(base, dir, &r, is_network, ty);
        }
    }

    fn rate(&mut self, base: &str, dir: &str, r: &Rate, is_network: bool, ty: &str) {
        let usable_floor = dir == "inbound" && r.floor.is_some();
        if r.average.is_none() && (r.peak.is_some() || r.burst.is_some()) {
            self.err(
                "bandwidth.rate-required",
                base,
                format!("<{dir}> has peak or burst without average: libvirt refuses it"),
            );
        } else if r.average.is_none() && !usable_floor {
            self.err(
                "bandwidth.rate-required",
                base,
                format!("<{dir}> needs average (or, inbound on a network, floor)"),
            );
        }
        for (name, v) in [
            ("average", r.average),
            ("peak", r.peak),
            ("burst", r.burst),
            ("floor", r.floor),
        ] {
            let Some(v) = v else { continue };
            // Rates are 32-bit in libvirt 9.0's schema and 54-bit in 11.3's; bursts stay
            // 32-bit in the schema and 11.3's parser caps them at 4194303 (seen: 9.0 takes
            // more; the release between is not in libvirt's NEWS, so 11.3 is the boundary).
            let new = self.version >= LibvirtVersion::V11_3;
            let max = match (name, new) {
                ("burst", _) | (_, false) => u64::from(u32::MAX),
                (_, true) => RATE_MAX_11_3,
            };
            if v == 0 || v > max {
                self.err(
                    "bandwidth.range",
                    &format!("{base}/@{name}"),
                    format!("{name}='{v}': libvirt {} takes 1..={max}", self.version),
                );
            } else if name == "burst" && new && v > BURST_MAX_11_3 {
                self.err(
                    "bandwidth.burst",
                    &format!("{base}/@{name}"),
                    format!(
                        "burst='{v}': libvirt {} refuses bursts above {BURST_MAX_11_3} at define \
                         ('numerical overflow ... too big for burst')",
                        self.version
                    ),
                );
            }
        }
        if r.floor.is_some() {
            if dir != "inbound" {
                self.err(
                    "bandwidth.floor",
                    &format!("{base}/@floor"),
                    "floor is only allowed in <inbound>".into(),
                );
            } else if !is_network {
                self.err(
                    "bandwidth.floor",
                    &format!("{base}/@floor"),
                    format!("floor on type='{ty}': only network interfaces can reserve a floor"),
                );
            }
        }
    }
}
