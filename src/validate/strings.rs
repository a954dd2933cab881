//! Characters xml cannot carry in any string the model holds or keeps (`string.xml-char`).

use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::model::virtualport::VirtualPort;
use crate::model::Interface;
use crate::xml::is_xml_char;

impl<'a> Checker<'a> {
    pub(super) fn strings(&mut self) {
        let i: &'a Interface = self.i;
        // Strings the model holds, checked as they are named (no list is built).
        let mut bad: Vec<(String, char)> = Vec::new();
        let mut check = |path: &str, s: &str| {
            // Printable ascii is always allowed: only look at characters when there is more.
            if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return;
            }
            if let Some(c) = s.chars().find(|&c| !is_xml_char(c)) {
                bad.push((path.to_owned(), c));
            }
        };
        match &i.kind {
            InterfaceKind::Network(n) => {
                check("source/@network", &n.network);
                if let Some(pg) = &n.portgroup {
                    check("source/@portgroup", pg);
                }
            }
            InterfaceKind::VhostUser(v) => {
                if let Some(p) = &v.path {
                    check("source/@path", p);
                }
            }
            InterfaceKind::Vdpa(v) => check("source/@dev", &v.dev),
            InterfaceKind::Other(o) => check("@type", &o.type_name),
            _ => {}
        }
        let profileid = match &i.virtualport {
            Some(VirtualPort::Qbh(q)) => q.profileid.as_ref(),
            Some(VirtualPort::OpenVSwitch(o)) => o.profileid.as_ref(),
            Some(VirtualPort::Untyped(u)) => u.profileid.as_ref(),
            _ => None,
        };
        // Grouped by the optional part they sit in, so that an absent part costs one test
        // (this runs for every interface of a large guest).
        let mut opt = |path: &str, v: Option<&str>| {
            if let Some(v) = v {
                check(path, v);
            }
        };
        opt("model/@type", i.model.as_deref());
        opt(
            "virtualport/parameters/@profileid",
            profileid.map(|p| p.as_str()),
        );
        opt("script/@path", i.script.as_deref());
        opt("downscript/@path", i.downscript.as_deref());
        opt("backenddomain/@name", i.backend_domain.as_deref());
        if let Some(g) = &i.guest {
            opt("guest/@dev", g.dev.as_deref());
            opt("guest/@actual", g.actual.as_deref());
        }
        opt("alias/@name", i.alias.as_deref());
        if let Some(d) = &i.driver {
            opt("driver/@name", d.name.as_deref());
            opt("driver/@txmode", d.txmode.as_deref());
        }
        if let Some(b) = i.backend.as_deref() {
            opt("backend/@type", b.backend_type.as_deref());
            opt("backend/@tap", b.tap.as_deref());
            opt("backend/@vhost", b.vhost.as_deref());
            opt("backend/@logFile", b.log_file.as_deref());
            opt("backend/@hostname", b.hostname.as_deref());
            opt("backend/@fqdn", b.fqdn.as_deref());
        }
        if let Some(t) = &i.teaming {
            opt("teaming/@persistent", t.persistent.as_deref());
        }
        if let Some(r) = &i.rom {
            opt("rom/@file", r.file.as_deref());
        }
        if let Some(f) = &i.filterref {
            check("filterref/@filter", &f.filter);
            for p in &f.parameters {
                check("filterref/parameter/@name", &p.name);
                check("filterref/parameter/@value", &p.value);
            }
        }
        if let Some(crate::model::DeviceAddress::Other { address_type }) = &i.address {
            check("address/@type", address_type);
        }
        // Kept attributes, at their own paths.
        for a in &i.extras.attributes {
            if let Some(c) = a.value.chars().find(|&c| !is_xml_char(c)) {
                let path = if a.element.is_empty() {
                    format!("@{}", a.name)
                } else {
                    format!("{}/@{}", a.element, a.name)
                };
                bad.push((path, c));
            }
        }
        for (path, c) in bad {
            self.err(
                "string.xml-char",
                &path,
                format!(
                    "text contains U+{:04X}, which xml cannot carry even escaped",
                    c as u32
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ids::ProfileId;
    use crate::model::interface::{
        Backend, DeviceAddress, Driver, FilterParameter, FilterRef, GuestDevice, Rom, Teaming,
        TeamingType,
    };
    use crate::model::kind::{
        InterfaceKind, NetworkSource, OtherKind, VdpaSource, VhostUserSource,
    };
    use crate::model::virtualport::{OpenVSwitch, Qbh, VirtualPort};
    use crate::model::Interface;

    /// Every free-text field set to a value holding U+0001, for each kind.
    fn marked(kind: InterfaceKind, vp: Option<VirtualPort>) -> Interface {
        let bad = "x\u{1}";
        let mut i = Interface::new(kind);
        i.model = Some(bad.into());
        i.virtualport = vp;
        i.script = Some(bad.into());
        i.downscript = Some(bad.into());
        i.backend_domain = Some(bad.into());
        i.guest = Some(Box::new(GuestDevice {
            dev: Some(bad.into()),
            actual: Some(bad.into()),
        }));
        i.alias = Some(bad.into());
        i.driver = Some(Driver {
            name: Some(bad.into()),
            txmode: Some(bad.into()),
            ..Default::default()
        });
        i.backend = Some(Box::new(Backend {
            backend_type: Some(bad.into()),
            tap: Some(bad.into()),
            vhost: Some(bad.into()),
            log_file: Some(bad.into()),
            hostname: Some(bad.into()),
            fqdn: Some(bad.into()),
        }));
        i.teaming = Some(Box::new(Teaming {
            teaming_type: TeamingType::Transient,
            persistent: Some(bad.into()),
        }));
        i.rom = Some(Box::new(Rom {
            file: Some(bad.into()),
            ..Default::default()
        }));
        i.filterref = Some(Box::new(FilterRef {
            filter: bad.into(),
            parameters: vec![FilterParameter {
                name: bad.into(),
                value: bad.into(),
            }],
        }));
        i.address = Some(DeviceAddress::Other {
            address_type: bad.into(),
        });
        i
    }

    /// The string check names exactly the attributes the writer writes free text into: the
    /// list it holds cannot drift from the writer.
    #[test]
    fn string_checks_cover_what_the_writer_writes() {
        let bad = "x\u{1}";
        let profile = ProfileId::new(bad).expect("a profile id of that length");
        let cases = [
            marked(
                InterfaceKind::Network(NetworkSource {
                    network: bad.into(),
                    portgroup: Some(bad.into()),
                    portid: None,
                }),
                Some(VirtualPort::Qbh(Qbh {
                    profileid: Some(profile.clone()),
                })),
            ),
            marked(
                InterfaceKind::VhostUser(VhostUserSource {
                    path: Some(bad.into()),
                    ..Default::default()
                }),
                Some(VirtualPort::OpenVSwitch(OpenVSwitch {
                    interfaceid: None,
                    profileid: Some(profile),
                })),
            ),
            marked(InterfaceKind::Vdpa(VdpaSource { dev: bad.into() }), None),
            marked(
                InterfaceKind::Other(OtherKind {
                    type_name: bad.into(),
                }),
                None,
            ),
        ];
        for i in cases {
            let mut written = crate::xml::marked_strings(&i);
            let mut checked: Vec<String> = crate::validate::validate(&i)
                .into_iter()
                .filter(|d| d.rule == "string.xml-char")
                .map(|d| d.path)
                .collect();
            written.sort();
            written.dedup();
            checked.sort();
            checked.dedup();
            assert_eq!(checked, written, "{}", i.kind.type_name());
        }
    }
}
