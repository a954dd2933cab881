//! Bandwidth limits: where they shape anything and what each rate needs
//! (`bandwidth.placement`, `bandwidth.rate-required`, `bandwidth.range`, `bandwidth.floor`).

use super::Checker;
use crate::model::interface::Rate;
use crate::model::kind::InterfaceKind;

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
            if let Some(v) = v {
                if v == 0 || v > u64::from(u32::MAX) {
                    self.err(
                        "bandwidth.range",
                        &format!("{base}/@{name}"),
                        format!("{name}='{v}': expected 1..=4294967295"),
                    );
                }
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
