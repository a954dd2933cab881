//! Every generated model that validates without errors is accepted by libvirt's define (test
//! driver, with its RelaxNG schema check): "valid" means something libvirt takes.
//! The generator combines every interface type with random subsets of the common parts, drawn
//! from pools of plausible and boundary values, so many combinations are invalid and the ones
//! that validate cover far more than the fixtures. Needs feature `libvirt`.
#![cfg(feature = "libvirt")]

use vifxml::libvirt::{Connection, DEFAULT_URI};
use vifxml::model::ids::{PciAddress, VlanTag};
use vifxml::model::interface::{
    Backend, Bandwidth, Coalesce, DeviceAddress, Driver, FilterParameter, FilterRef, GuestOffloads,
    GuestPciAddress, HostOffloads, LinkState, NativeMode, Rate, Rom, Target, Teaming, TeamingType,
    Vlan, VlanTagSpec,
};
use vifxml::model::kind::{
    BridgeSource, DirectMode, DirectSource, HostdevSource, InterfaceKind, NetworkSource, OtherKind,
    Reconnect, VdpaSource, VhostUserMode, VhostUserSource,
};
use vifxml::model::virtualport::{Midonet, OpenVSwitch, Qbg, Qbh, Untyped};
use vifxml::{xml, Interface, VirtualPort};

/// A deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn coin(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize].clone()
    }
    fn opt<T>(&mut self, percent: u64, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.coin(percent) {
            Some(f(self))
        } else {
            None
        }
    }
    fn flag(&mut self) -> Option<bool> {
        match self.below(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        }
    }
}

const UUIDS: &[&str] = &[
    "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f",
    "8a6f1c2e-4b3d-4e5f-9a0b-1c2d3e4f5a6b",
];

fn kind(r: &mut Rng) -> InterfaceKind {
    match r.below(10) {
        0 => InterfaceKind::Ethernet,
        1 => InterfaceKind::Bridge(BridgeSource {
            bridge: r.pick(&["br0", "br-int", "virbr0"]).parse().unwrap(),
        }),
        2 => InterfaceKind::Network(NetworkSource {
            network: r.pick(&["default", "ovs-net", "sriov"]).into(),
            portgroup: r.opt(30, |r| r.pick(&["engineering", "pg1"]).into()),
            portid: r.opt(20, |r| r.pick(UUIDS).parse().unwrap()),
        }),
        3 => InterfaceKind::Direct(DirectSource {
            dev: r.pick(&["eth0", "ens1f0", "eth0.100"]).parse().unwrap(),
            mode: r.opt(80, |r| {
                r.pick(&[
                    DirectMode::Vepa,
                    DirectMode::Bridge,
                    DirectMode::Private,
                    DirectMode::Passthrough,
                ])
            }),
        }),
        4 => InterfaceKind::VhostUser(VhostUserSource {
            path: r.opt(90, |r| {
                r.pick(&["/run/vhu0.sock", "/var/run/sock1", "rel.sock"])
                    .into()
            }),
            mode: r.opt(90, |r| {
                r.pick(&[VhostUserMode::Client, VhostUserMode::Server])
            }),
            reconnect: r.opt(30, |r| Reconnect {
                enabled: r.coin(50),
                timeout: r.opt(70, |r| r.pick(&[1, 10, 60])),
            }),
        }),
        5 => InterfaceKind::Hostdev(HostdevSource {
            address: PciAddress::new(0, r.pick(&[3, 0x81]), r.pick(&[0, 0x10, 0x1f]), r.below(8))
                .unwrap(),
        }),
        6 => InterfaceKind::Vdpa(VdpaSource {
            dev: "/dev/vhost-vdpa-0".into(),
        }),
        7 => InterfaceKind::User,
        8 => InterfaceKind::Other(OtherKind {
            type_name: r.pick(&["mcast", "udp", "server", "null"]).into(),
        }),
        _ => InterfaceKind::Ethernet,
    }
}

fn virtualport(r: &mut Rng) -> VirtualPort {
    let uuid = |r: &mut Rng| r.pick(UUIDS).parse().unwrap();
    match r.below(5) {
        0 => VirtualPort::Qbg(Qbg {
            managerid: r.opt(85, |r| {
                vifxml::model::ids::VsiManagerId::new(r.pick(&[0, 1, 11, 255])).unwrap()
            }),
            typeid: r.opt(85, |r| {
                vifxml::model::ids::VsiTypeId::new(r.pick(&[0, 1193047, 0xFF_FFFF])).unwrap()
            }),
            typeidversion: r.opt(85, |r| {
                vifxml::model::ids::VsiTypeIdVersion::new(r.pick(&[0, 2, 255])).unwrap()
            }),
            instanceid: r.opt(50, uuid),
        }),
        1 => VirtualPort::Qbh(Qbh {
            profileid: r.opt(85, |r| r.pick(&["finance", "p"]).parse().unwrap()),
        }),
        2 => VirtualPort::OpenVSwitch(OpenVSwitch {
            interfaceid: r.opt(70, uuid),
            profileid: r.opt(30, |r| r.pick(&["menial", "x"]).parse().unwrap()),
        }),
        3 => VirtualPort::Midonet(Midonet {
            interfaceid: r.opt(85, uuid),
        }),
        _ => VirtualPort::Untyped(Untyped {
            managerid: r.opt(20, |_| vifxml::model::ids::VsiManagerId::new(11).unwrap()),
            interfaceid: r.opt(30, uuid),
            profileid: r.opt(30, |_| "finance".parse().unwrap()),
            ..Default::default()
        }),
    }
}

fn rate(r: &mut Rng) -> Rate {
    let v = |r: &mut Rng| r.pick(&[0u64, 1, 1000, 4_294_967_295, 4_294_967_296]);
    Rate {
        average: r.opt(80, v),
        peak: r.opt(30, v),
        burst: r.opt(30, v),
        floor: r.opt(20, v),
    }
}

fn interface(r: &mut Rng, n: usize) -> Interface {
    let mut i = Interface::new(kind(r));
    i.mac = r.opt(70, |_| {
        format!(
            "52:54:00:{:02x}:{:02x}:{:02x}",
            n >> 16 & 0xff,
            n >> 8 & 0xff,
            n & 0xff
        )
        .parse()
        .unwrap()
    });
    i.managed = r.opt(
        if matches!(i.kind, InterfaceKind::Hostdev(_)) {
            80
        } else {
            5
        },
        |r| r.coin(50),
    );
    i.trust_guest_rx_filters = r.opt(10, |r| r.coin(50));
    i.model = r.opt(70, |r| {
        r.pick(&["virtio", "e1000e", "rtl8139", "virtio-transitional"])
            .into()
    });
    i.virtualport = r.opt(30, virtualport);
    i.vlan = r.opt(20, |r| {
        let n = r.pick(&[1usize, 1, 2, 3]);
        Vlan {
            trunk: if n > 1 {
                r.opt(80, |_| true)
            } else {
                r.opt(10, |_| true)
            },
            tags: (0..n)
                .map(|k| VlanTagSpec {
                    id: VlanTag::new(r.pick(&[0, 42, 4095]) + k as u64 % 2)
                        .unwrap_or(VlanTag::new(1).unwrap()),
                    native_mode: r.opt(15, |r| r.pick(&[NativeMode::Tagged, NativeMode::Untagged])),
                })
                .collect(),
        }
    });
    i.bandwidth = r
        .opt(20, |r| Bandwidth {
            inbound: r.opt(70, rate),
            outbound: r.opt(70, rate),
        })
        .map(Box::new);
    i.port_isolated = r.opt(10, |r| r.coin(50));
    i.target = r.opt(30, |r| Target {
        dev: r.opt(90, |r| {
            let base = r.pick(&["tap", "vnet", "tap0123456789ab", "tap0123456789abc"]);
            format!("{base}{n}")
                .chars()
                .take(20)
                .collect::<String>()
                .parse()
                .unwrap()
        }),
        managed: r.opt(15, |r| r.coin(30)),
    });
    i.driver = r.opt(25, |r| Driver {
        name: r.opt(40, |r| r.pick(&["qemu", "vhost", "vfio"]).into()),
        queues: r.opt(30, |r| r.pick(&[0, 1, 4])),
        rx_queue_size: r.opt(20, |r| r.pick(&[128, 256, 1024, 1000])),
        tx_queue_size: r.opt(10, |r| r.pick(&[256, 1024])),
        txmode: r.opt(10, |r| r.pick(&["iothread", "timer"]).into()),
        ioeventfd: r.opt(10, |r| r.coin(50)),
        event_idx: r.opt(10, |r| r.coin(50)),
        packed: r.opt(15, |r| r.coin(50)),
        iommu: r.opt(10, |r| r.coin(50)),
        ats: r.opt(10, |r| r.coin(50)),
        rss: r.opt(10, |r| r.coin(50)),
        rss_hash_report: r.opt(10, |r| r.coin(50)),
        page_per_vq: r.opt(10, |r| r.coin(50)),
        host: r.opt(20, |r| HostOffloads {
            csum: r.flag(),
            gso: r.flag(),
            tso4: r.flag(),
            tso6: r.flag(),
            ecn: r.flag(),
            ufo: r.flag(),
            mrg_rxbuf: r.flag(),
        }),
        guest: r.opt(20, |r| GuestOffloads {
            csum: r.flag(),
            tso4: r.flag(),
            tso6: r.flag(),
            ecn: r.flag(),
            ufo: r.flag(),
        }),
    });
    i.backend = r
        .opt(8, |r| Backend {
            backend_type: r.opt(20, |_| "passt".into()),
            tap: r.opt(50, |_| "/dev/net/tun".into()),
            vhost: r.opt(50, |_| "/dev/vhost-net".into()),
            ..Default::default()
        })
        .map(Box::new);
    i.filterref = r
        .opt(10, |r| FilterRef {
            filter: "clean-traffic".into(),
            parameters: if r.coin(50) {
                vec![FilterParameter {
                    name: "IP".into(),
                    value: "10.0.0.1".into(),
                }]
            } else {
                Vec::new()
            },
        })
        .map(Box::new);
    i.teaming = r
        .opt(5, |r| Teaming {
            teaming_type: r.pick(&[TeamingType::Persistent, TeamingType::Transient]),
            persistent: r.opt(50, |_| "ua-backup0".into()),
        })
        .map(Box::new);
    i.link = r.opt(15, |r| r.pick(&[LinkState::Up, LinkState::Down]));
    i.mtu = r.opt(15, |r| r.pick(&[0, 68, 1450, 9000, 65535, 65536]));
    i.coalesce = r.opt(5, |r| Coalesce {
        rx_max_frames: r.opt(80, |r| r.pick(&[0, 7, 64])),
    });
    i.boot = r.opt(10, |r| r.pick(&[0, 1, 2]));
    i.alias = r.opt(15, |r| {
        format!("{}{n}", r.pick(&["ua-net", "net", "ua-"])).into()
    });
    i.rom = r
        .opt(5, |r| Rom {
            bar: r.flag(),
            file: r.opt(30, |_| "/usr/share/ipxe/efi-virtio.rom".into()),
            enabled: r.flag(),
        })
        .map(Box::new);
    i.address = r.opt(15, |r| {
        if r.coin(85) {
            DeviceAddress::Pci(GuestPciAddress {
                domain: r.pick(&[0, 0, 1]),
                bus: 0,
                slot: r.pick(&[3, 5, 0x1f]),
                function: 0,
                multifunction: r.opt(20, |r| r.coin(50)),
            })
        } else {
            DeviceAddress::Other {
                address_type: "ccw".into(),
            }
        }
    });
    i
}

#[test]
fn generated_models_that_validate_are_accepted_by_libvirt() {
    let conn = Connection::open(DEFAULT_URI).expect("test driver");
    // Validate for the libvirt that answers.
    let opts =
        vifxml::validate::Options::new().libvirt(conn.libvirt_version().expect("libvirt version"));
    let mut rng = Rng(std::env::var("VIFXML_GEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15));
    let (mut valid, mut failures) = (0, Vec::new());
    let total = std::env::var("VIFXML_GEN_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12_000);
    for n in 0..total {
        let iface = interface(&mut rng, n);
        if vifxml::validate::validate_with(&iface, &opts)
            .iter()
            .any(|d| d.is_error())
        {
            continue;
        }
        valid += 1;
        let dom = format!(
            "<domain type='test'><name>gen-{n}</name><memory>1024</memory><os><type>hvm</type>\
             </os><devices>{}</devices></domain>",
            xml::render_interface(&iface)
        );
        if let Err(e) = conn.check(&dom) {
            failures.push(format!("{e}\n{dom}"));
        }
    }
    println!(
        "{total} generated models, {valid} without error findings, {} of those refused by libvirt",
        failures.len()
    );
    assert!(
        valid > 1000,
        "too few valid models to say anything: {valid}"
    );
    assert!(
        failures.is_empty(),
        "{} valid models refused by libvirt, first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
