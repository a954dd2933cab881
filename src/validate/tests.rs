//! One case per rule, both sides: the good input must not trigger the rule (nor any error), the
//! bad input must. A last test checks that every rule in the catalog has a case.

use crate::diag::Diagnostic;
use crate::rules::RULES;
use crate::version::LibvirtVersion;

enum In {
    /// One `<interface>` element.
    X(&'static str),
    /// A whole domain document.
    D(&'static str),
    /// A JSON/YAML spec.
    S(&'static str),
}
use In::{D, S, X};

fn findings_for(input: &In, version: LibvirtVersion) -> Vec<Diagnostic> {
    let opts = crate::validate::Options::new().libvirt(version);
    match input {
        X(x) | D(x) => match crate::xml::parse_document(x) {
            Ok(doc) => crate::validate::validate_document_with(x, &doc, &opts),
            Err(e) => e.0,
        },
        S(s) => match crate::spec::from_str(s) {
            Ok(v) => crate::validate::validate_all_with(&v, &opts),
            Err(e) => e.0,
        },
    }
}

/// A version the rule applies to, and one it does not (if any): its first version, or the
/// oldest the catalog names below its end.
fn versions_of(rule: &crate::rules::Rule) -> (LibvirtVersion, Option<LibvirtVersion>) {
    match (rule.since, rule.until) {
        (Some(s), _) => (
            s,
            Some(LibvirtVersion::new(s.major, 0).min(LibvirtVersion::V9_0)),
        ),
        (None, Some(u)) => (LibvirtVersion::V9_0, Some(u)),
        (None, None) => (LibvirtVersion::NEWEST, None),
    }
}

const QBG: &str = "<parameters managerid='11' typeid='1193047' typeidversion='2'/>";
const UUID: &str = "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f";

/// A domain whose `<metadata>` nests one element deeper than the default depth limit.
fn too_deep() -> &'static str {
    let n = crate::xml::MAX_DEPTH;
    let doc = format!(
        "<domain><devices><interface type='user'/></devices><metadata>{}{}</metadata></domain>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    Box::leak(doc.into_boxed_str())
}

/// A domain with one element carrying one attribute more than the default limit.
fn too_many_attributes() -> &'static str {
    let attrs: String = (0..=crate::xml::MAX_ATTRIBUTES)
        .map(|i| format!(" a{i}=''"))
        .collect();
    let doc = format!(
        "<domain><devices><interface type='user'/></devices><metadata><a{attrs}/></metadata></domain>"
    );
    Box::leak(doc.into_boxed_str())
}

fn cases() -> Vec<(&'static str, In, In)> {
    vec![
        ("xml.syntax", X("<interface type='user'/>"), X("<interface type='user'>")),
        ("xml.too-many-attributes", D("<domain><metadata><a x='1' y='2'/></metadata><devices><interface type='user'/></devices></domain>"), D(too_many_attributes())),
        ("xml.too-deep", D("<domain><metadata><a><b/></a></metadata><devices><interface type='user'/></devices></domain>"), D(too_deep())),
        ("xml.doctype", X("<interface type='user'/>"), X("<!DOCTYPE x [<!ENTITY a 'b'>]><interface type='user'/>")),
        ("xml.noncanonical", X("<interface type='user'><mac address='52:54:00:0a:00:01'/></interface>"), X("<interface type='user'><mac address='52:54:0:a:0:1'/></interface>")),
        ("xml.noncanonical", X("<interface type='direct'><source dev='e'/><virtualport type='802.1Qbg'><parameters managerid='0x0b' typeid='010' typeidversion='1'/></virtualport></interface>"), X("<interface type='direct'><source dev='e'/><virtualport type='802.1Qbg'><parameters managerid='0377' typeid='1' typeidversion='1'/></virtualport></interface>")),
        ("xml.noncanonical", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source path='/s' mode='client'/><model type='virtio'/></interface>")),
        ("xml.root", X("<interface type='user'/>"), X("<network/>")),
        ("spec.syntax", S("{\"type\": \"user\"}"), S("{\"type\": ")),
        ("spec.shape", S("[{\"type\": \"user\"}]"), S("\"user\"")),
        ("spec.schema", S("{\"type\": \"ethernet\", \"mtu\": 1500}"), S("{\"type\": \"ethernet\", \"mtu\": \"big\"}")),
        ("spec.invalid", S("{\"type\": \"user\", \"extras\": {\"elements\": [{\"xml\": \"<!-- note -->\"}]}}"), S("{\"type\": \"user\", \"extras\": {\"elements\": [{\"xml\": \"<a>\"}]}}")),
        ("interface.type-missing", X("<interface type='user'/>"), X("<interface/>")),
        ("source.missing", X("<interface type='bridge'><source bridge='br0'/></interface>"), X("<interface type='bridge'/>")),
        ("value.number", X("<interface type='ethernet'><mtu size='1500'/></interface>"), X("<interface type='ethernet'><mtu size='15OO'/></interface>")),
        ("value.enum", X("<interface type='user'><link state='up'/></interface>"), X("<interface type='user'><link state='UP'/></interface>")),
        ("mac.syntax", X("<interface type='user'><mac address='52:54:00:00:00:01'/></interface>"), X("<interface type='user'><mac address='52:54:00:00:00'/></interface>")),
        ("mac.multicast", X("<interface type='user'><mac address='52:54:00:00:00:01'/></interface>"), X("<interface type='user'><mac address='01:00:5e:00:00:01'/></interface>")),
        ("uuid.syntax", X("<interface type='network'><source network='n' portid='09b11c538b5c4eeb8f00d84eaa0aaa4f'/></interface>"), X("<interface type='network'><source network='n' portid='09b11c53'/></interface>")),
        ("name.syntax", X("<interface type='direct'><source dev='eth0.100'/></interface>"), X("<interface type='direct'><source dev='eth 0'/></interface>")),
        ("name.syntax", X("<interface type='network'><source network='n' portgroup='pg-1'/></interface>"), X("<interface type='network'><source network='n' portgroup='pg 1'/></interface>")),
        ("name.syntax", X("<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/></interface>"), X("<interface type='vdpa'><source dev='/dev/vhost vdpa'/></interface>")),
        ("name.syntax", X("<interface type='bridge'><source bridge='br-0'/></interface>"), X("<interface type='bridge'><source bridge='br 0'/></interface>")),
        ("direct.mode", X("<interface type='direct'><source dev='eth0' mode='private'/></interface>"), X("<interface type='direct'><source dev='eth0' mode='Private'/></interface>")),
        ("vhostuser.socket-type", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='tcp' path='/s' mode='client'/><model type='virtio'/></interface>")),
        ("hostdev.address-type", X("<interface type='hostdev'><source><address type='pci' bus='3'/></source></interface>"), X("<interface type='hostdev'><source><address type='drive' bus='3'/></source></interface>")),
        ("address.pci-domain", X("<interface type='user'><address type='pci' domain='0' slot='3'/></interface>"), X("<interface type='user'><address type='pci' domain='0x10000' slot='3'/></interface>")),
        ("pci.domain-range", X("<interface type='hostdev'><source><address type='pci' domain='0x10000' bus='3'/></source></interface>"), X("<interface type='hostdev'><source><address type='pci' domain='0x100000000' bus='3'/></source></interface>")),
        ("pci.bus-range", X("<interface type='user'><address type='pci' bus='0xff'/></interface>"), X("<interface type='user'><address type='pci' bus='0x100'/></interface>")),
        ("pci.slot-range", X("<interface type='user'><address type='pci' slot='0x1f'/></interface>"), X("<interface type='user'><address type='pci' slot='0x20'/></interface>")),
        ("pci.function-range", X("<interface type='user'><address type='pci' function='7'/></interface>"), X("<interface type='user'><address type='pci' function='8'/></interface>")),
        ("vlan.tag-range", X("<interface type='network'><source network='n'/><vlan><tag id='4095'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan><tag id='4096'/></vlan></interface>")),
        ("virtualport.type", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbx'><parameters profileid='p'/></virtualport></interface>")),
        ("virtualport.extra-parameter", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='p' managerid='1'/></virtualport></interface>")),
        ("virtualport.managerid-range", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='0xff' typeid='1' typeidversion='1'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='256' typeid='1' typeidversion='1'/></virtualport></interface>")),
        ("virtualport.typeid-range", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='0xffffff' typeidversion='1'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='0x1000000' typeidversion='1'/></virtualport></interface>")),
        ("virtualport.typeidversion-range", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='1' typeidversion='255'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='1' typeidversion='256'/></virtualport></interface>")),
        ("virtualport.profileid-length", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='123456789012345678901234567890123456789'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='1234567890123456789012345678901234567890'/></virtualport></interface>")),
        ("virtualport.placement", X("<interface type='bridge'><source bridge='br0'/><virtualport type='openvswitch'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport></interface>")),
        ("virtualport.untyped", X("<interface type='network'><source network='n'/><virtualport><parameters profileid='p'/></virtualport></interface>"), X("<interface type='bridge'><source bridge='br0'/><virtualport><parameters profileid='p'/></virtualport></interface>")),
        ("virtualport.incomplete", X("<interface type='network'><source network='n'/><virtualport type='802.1Qbg'><parameters managerid='1'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1'/></virtualport></interface>")),
        ("virtualport.incomplete", X("<interface type='network'><source network='n'/><virtualport type='openvswitch'/></interface>"), X("<interface type='network'><source network='n'/><virtualport type='midonet'/></interface>")),
        ("virtualport.managerid-reserved", X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='1' typeidversion='1'/></virtualport></interface>"), X("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters managerid='0' typeid='1' typeidversion='1'/></virtualport></interface>")),
        ("vlan.placement", X("<interface type='direct'><source dev='eth0' mode='passthrough'/><vlan><tag id='5'/></vlan></interface>"), X("<interface type='direct'><source dev='eth0' mode='vepa'/><vlan><tag id='5'/></vlan></interface>")),
        ("vlan.plain-bridge", X("<interface type='bridge'><source bridge='br0'/><virtualport type='openvswitch'/><vlan><tag id='5'/></vlan></interface>"), X("<interface type='bridge'><source bridge='br0'/><vlan><tag id='5'/></vlan></interface>")),
        ("vlan.empty", X("<interface type='network'><source network='n'/><vlan><tag id='1'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan trunk='yes'/></interface>")),
        ("vlan.trunk", X("<interface type='network'><source network='n'/><vlan trunk='yes'><tag id='1'/><tag id='2'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan trunk='no'><tag id='1'/><tag id='2'/></vlan></interface>")),
        ("vlan.trunk", X("<interface type='network'><source network='n'/><vlan><tag id='1'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan trunk='no'><tag id='1'/></vlan></interface>")),
        ("vlan.native-mode", X("<interface type='network'><source network='n'/><vlan trunk='yes'><tag id='1' nativeMode='untagged'/><tag id='2'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan trunk='yes'><tag id='1' nativeMode='untagged'/><tag id='2' nativeMode='tagged'/></vlan></interface>")),
        ("bandwidth.rate-required", X("<interface type='network'><source network='n'/><bandwidth><inbound floor='10'/></bandwidth></interface>"), X("<interface type='network'><source network='n'/><bandwidth><outbound peak='10'/></bandwidth></interface>")),
        ("bandwidth.range", X("<interface type='network'><source network='n'/><bandwidth><inbound average='4294967295'/></bandwidth></interface>"), X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' burst='4294967296'/></bandwidth></interface>")),
        ("bandwidth.burst", X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' burst='4194303'/></bandwidth></interface>"), X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' burst='4194304'/></bandwidth></interface>")),
        ("bandwidth.floor", X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' floor='5'/></bandwidth></interface>"), X("<interface type='bridge'><source bridge='br0'/><bandwidth><inbound average='10' floor='5'/></bandwidth></interface>")),
        ("bandwidth.placement", X("<interface type='bridge'><source bridge='br0'/><bandwidth><inbound average='10'/></bandwidth></interface>"), X("<interface type='hostdev'><source><address type='pci' bus='3'/></source><bandwidth><inbound average='10'/></bandwidth></interface>")),
        ("mtu.placement", X("<interface type='bridge'><source bridge='br0'/><mtu size='9000'/></interface>"), X("<interface type='direct'><source dev='eth0'/><mtu size='9000'/></interface>")),
        ("mtu.placement", X("<interface type='user'><backend type='passt'/><mtu size='1400'/></interface>"), X("<interface type='user'><mtu size='1400'/></interface>")),
        ("mtu.placement", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/><mtu size='9000'/></interface>"), X("<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/><model type='virtio'/><mtu size='9000'/></interface>")),
        ("coalesce.placement", X("<interface type='bridge'><source bridge='br0'/><coalesce><rx><frames max='7'/></rx></coalesce></interface>"), X("<interface type='user'><coalesce><rx><frames max='7'/></rx></coalesce></interface>")),
        ("vdpa.model", X("<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface>"), X("<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/><model type='e1000'/></interface>")),
        ("rom.placement", X("<interface type='user'><rom bar='off'/><address type='pci' bus='0x00' slot='0x05'/></interface>"), X("<interface type='user'><rom bar='off'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface>")),
        ("backend.tap-placement", X("<interface type='ethernet'><backend tap='/dev/net/tun'/></interface>"), X("<interface type='user'><backend tap='/dev/net/tun'/></interface>")),
        ("teaming.model", X("<interface type='bridge'><source bridge='br0'/><model type='virtio'/><teaming type='persistent'/><alias name='ua-p'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><model type='e1000'/><teaming type='persistent'/><alias name='ua-p'/></interface>")),
        ("teaming.type", X("<interface type='hostdev'><source><address type='pci' bus='3'/></source><teaming type='transient' persistent='ua-p'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><teaming type='transient' persistent='ua-p'/></interface>")),
        ("mtu.range", X("<interface type='bridge'><source bridge='br0'/><mtu size='65535'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><mtu size='65536'/></interface>")),
        ("vhostuser.model", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='e1000'/></interface>")),
        ("vhostuser.path", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='s' mode='client'/><model type='virtio'/></interface>")),
        ("vhostuser.mode", X("<interface type='vhostuser'><source type='unix' path='/s' mode='server'/><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='/s'/><model type='virtio'/></interface>")),
        ("vhostuser.reconnect", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'><reconnect enabled='yes' timeout='5'/></source><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='/s' mode='server'><reconnect enabled='yes' timeout='5'/></source><model type='virtio'/></interface>")),
        ("vhostuser.reconnect", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'><reconnect enabled='no'/></source><model type='virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'><reconnect enabled='yes'/></source><model type='virtio'/></interface>")),
        ("vhostuser.model", X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='Virtio'/></interface>"), X("<interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio-net-pci'/></interface>")),
        ("name.length", X("<interface type='ethernet'><target dev='tap0123456789ab'/></interface>"), X("<interface type='ethernet'><target dev='tap0123456789abc'/></interface>")),
        ("target.reserved-prefix", X("<interface type='ethernet'><target dev='tap0'/></interface>"), X("<interface type='ethernet'><target dev='vnet0'/></interface>")),
        ("target.dev", X("<interface type='ethernet'><target dev='tap0' managed='no'/></interface>"), X("<interface type='ethernet'><target managed='no'/></interface>")),
        ("target.managed", X("<interface type='ethernet'><target dev='tap0' managed='no'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><target dev='tap0' managed='no'/></interface>")),
        ("interface.type", X("<interface type='null'/>"), X("<interface type='Bridge'><source bridge='br0'/></interface>")),
        ("source.shape", X("<interface type='mcast'><source address='230.0.0.1' port='5558'/></interface>"), X("<interface type='mcast'><source bridge='br0'/></interface>")),
        ("source.shape", X("<interface type='user'><source dev='eth0'/></interface>"), X("<interface type='user'><source/></interface>")),
        ("source.shape", X("<interface type='server'><source port='5558'/></interface>"), X("<interface type='udp'/>")),
        ("source.shape", X("<interface type='ethernet'><source><ip address='192.168.122.6' prefix='24'/></source></interface>"), X("<interface type='ethernet'><source dev='eth0'/></interface>")),
        ("port.isolated", X("<interface type='bridge'><source bridge='br0'/><port isolated='yes'/></interface>"), X("<interface type='direct'><source dev='eth0'/><port isolated='yes'/></interface>")),
        ("port.isolated", X("<interface type='network'><source network='n'/><virtualport><parameters profileid='p'/></virtualport><port isolated='yes'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><virtualport type='openvswitch'/><port isolated='yes'/></interface>")),
        ("address.hostdev", X("<interface type='hostdev'><source><address type='pci' bus='3'/></source><address type='unassigned'/></interface>"), X("<interface type='hostdev'><source><address type='pci' bus='3'/></source><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface>")),
        ("interface.managed", X("<interface type='hostdev' managed='yes'><source><address type='pci' bus='3'/></source></interface>"), X("<interface type='bridge' managed='yes'><source bridge='br0'/></interface>")),
        ("interface.trust-guest-rx-filters", X("<interface type='direct' trustGuestRxFilters='yes'><source dev='eth0'/></interface>"), X("<interface type='bridge' trustGuestRxFilters='yes'><source bridge='br0'/></interface>")),
        ("driver.name", X("<interface type='user'><model type='virtio'/><driver name='vhost'/></interface>"), X("<interface type='user'><model type='virtio'/><driver name='vfio'/></interface>")),
        ("driver.name", X("<interface type='user'><model type='virtio'/><driver name='qemu'/></interface>"), X("<interface type='user'><model type='e1000'/><driver name='tap'/></interface>")),
        ("driver.name", X("<interface type='user'><model type='e1000'/><driver name='vfio'/></interface>"), X("<interface type='user'><model type='e1000'/><driver name='vfio' queues='2'/></interface>")),
        ("driver.txmode", X("<interface type='user'><model type='virtio'/><driver name='qemu' txmode='iothread'/></interface>"), X("<interface type='user'><model type='virtio'/><driver name='qemu' txmode='fast'/></interface>")),
        ("backend.type", X("<interface type='ethernet'><backend tap='/dev/net/tun'/></interface>"), X("<interface type='user'><backend type='slirp'/></interface>")),
        ("backend.passt", X("<interface type='ethernet'><backend tap='/dev/net/tun'/></interface>"), X("<interface type='user'><backend type='passt'/></interface>")),
        ("backend.passt-placement", X("<interface type='user'><backend type='passt'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><backend type='passt'/></interface>")),
        ("backend.path", X("<interface type='ethernet'><backend tap='/dev/net/tun' vhost='/dev/vhost-net'/></interface>"), X("<interface type='ethernet'><backend tap='dev/net/tun'/></interface>")),
        ("rom.disabled", X("<interface type='user'><rom enabled='no'/></interface>"), X("<interface type='user'><rom enabled='no' bar='off'/></interface>")),
        ("bandwidth.rate-required", X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' floor='5' peak='20'/></bandwidth></interface>"), X("<interface type='network'><source network='n'/><bandwidth><inbound floor='5' peak='20'/></bandwidth></interface>")),
        ("boot.order", X("<interface type='user'><boot order='1'/></interface>"), X("<interface type='user'><boot order='0'/></interface>")),
        ("driver.queues", X("<interface type='user'><model type='virtio'/><driver queues='1'/></interface>"), X("<interface type='user'><model type='virtio'/><driver queues='0'/></interface>")),
        ("acpi.index", X("<interface type='user'><acpi index='1'/></interface>"), X("<interface type='user'><acpi index='0'/></interface>")),
        ("acpi.index-range", X("<interface type='user'><acpi index='16383'/></interface>"), X("<interface type='user'><acpi index='16384'/></interface>")),
        ("acpi.placement", X("<interface type='user'><acpi index='2'/><address type='pci' bus='0x00' slot='0x05'/></interface>"), X("<interface type='user'><acpi index='2'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface>")),
        ("driver.queue-size-range", X("<interface type='user'><model type='virtio'/><driver rx_queue_size='256'/></interface>"), X("<interface type='user'><model type='virtio'/><driver rx_queue_size='128'/></interface>")),
        ("driver.queue-size", X("<interface type='user'><model type='virtio'/><driver rx_queue_size='1024' tx_queue_size='256'/></interface>"), X("<interface type='user'><model type='virtio'/><driver rx_queue_size='1000'/></interface>")),
        ("driver.hostdev", X("<interface type='hostdev'><driver name='vfio'/><source><address type='pci' bus='3'/></source></interface>"), X("<interface type='hostdev'><driver name='qemu'/><source><address type='pci' bus='3'/></source></interface>")),
        ("driver.hostdev-options", X("<interface type='hostdev'><driver name='kvm'/><source><address type='pci' bus='3'/></source></interface>"), X("<interface type='hostdev'><driver queues='4'/><source><address type='pci' bus='3'/></source></interface>")),
        ("driver.virtio-options", X("<interface type='user'><model type='virtio'/><driver iommu='on' ats='off' packed='on' page_per_vq='on'/></interface>"), X("<interface type='user'><model type='e1000'/><driver ats='off'/></interface>")),
        ("driver.virtio-options", X("<interface type='user'><model type='VIRTIO'/><driver packed='on'/></interface>"), X("<interface type='user'><driver page_per_vq='on'/></interface>")),
        ("driver.non-virtio", X("<interface type='user'><model type='virtio'/><driver queues='2'/></interface>"), X("<interface type='user'><model type='e1000'/><driver queues='2'/></interface>")),
        ("teaming.persistent", X("<interface type='network'><source network='n'/><teaming type='transient' persistent='ua-p'/></interface>"), X("<interface type='network'><source network='n'/><teaming type='transient'/></interface>")),
        ("alias.syntax", X("<interface type='user'><alias name='ua-net0'/></interface>"), X("<interface type='user'><alias name='ua net0'/></interface>")),
        ("alias.user-prefix", X("<interface type='user'><alias name='ua-net0'/></interface>"), X("<interface type='user'><alias name='net0'/></interface>")),
        ("model.syntax", X("<interface type='user'><model type='virtio-net-pci'/></interface>"), X("<interface type='user'><model type='virtio net'/></interface>")),
        ("string.xml-char", S("{\"type\": \"user\", \"alias\": \"ua-a\"}"), S("{\"type\": \"user\", \"alias\": \"ua-\\u0001\"}")),
        ("devices.duplicate-mac", D("<domain><devices><interface type='user'><mac address='52:54:00:00:00:01'/></interface><interface type='user'><mac address='52:54:00:00:00:02'/></interface></devices></domain>"), D("<domain><devices><interface type='user'><mac address='52:54:00:00:00:01'/></interface><interface type='user'><mac address='52:54:00:00:00:01'/></interface></devices></domain>")),
        ("devices.duplicate-target", D("<domain><devices><interface type='ethernet'><target dev='t1'/></interface><interface type='ethernet'><target dev='t2'/></interface></devices></domain>"), D("<domain><devices><interface type='ethernet'><target dev='t1'/></interface><interface type='ethernet'><target dev='t1'/></interface></devices></domain>")),
        ("devices.duplicate-alias", D("<domain><devices><interface type='user'><alias name='ua-1'/></interface><interface type='user'><alias name='ua-2'/></interface></devices></domain>"), D("<domain><devices><interface type='user'><alias name='ua-1'/></interface><interface type='user'><alias name='ua-1'/></interface></devices></domain>")),
        ("devices.duplicate-boot-order", D("<domain><devices><interface type='user'><boot order='1'/></interface><interface type='user'><boot order='2'/></interface></devices></domain>"), D("<domain><devices><interface type='user'><boot order='1'/></interface><interface type='user'><boot order='1'/></interface></devices></domain>")),
        ("devices.duplicate-pci-address", D("<domain><devices><interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface><interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/></interface></devices></domain>"), D("<domain><devices><disk type='file'><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk><interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface></devices></domain>")),
        ("devices.duplicate-acpi-index", D("<domain><devices><interface type='user'><acpi index='1'/></interface><interface type='user'><acpi index='2'/></interface></devices></domain>"), D("<domain><devices><interface type='user'><acpi index='2'/></interface><interface type='user'><acpi index='2'/></interface></devices></domain>")),
        ("devices.duplicate-hostdev", D("<domain><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x81' slot='0x10' function='0x2'/></source></hostdev><interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x1'/></source></interface></devices></domain>"), D("<domain><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x81' slot='0x10' function='0x1'/></source></hostdev><interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x1'/></source></interface></devices></domain>")),
        ("devices.boot-os", D("<domain><os><type>hvm</type></os><devices><interface type='user'><boot order='1'/></interface></devices></domain>"), D("<domain><os><type>hvm</type><boot dev='network'/></os><devices><interface type='user'><boot order='1'/></interface></devices></domain>")),
        ("devices.duplicate-boot-order", D("<domain><devices><disk type='file'><boot order='2'/></disk><interface type='user'><boot order='1'/></interface></devices></domain>"), D("<domain><devices><disk type='file'><boot order='1'/></disk><interface type='user'><boot order='1'/></interface></devices></domain>")),
        ("devices.teaming-mac", D("<domain><devices><interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='virtio'/><teaming type='persistent'/><alias name='ua-p'/></interface><interface type='hostdev'><mac address='52:54:00:00:00:01'/><source><address type='pci' bus='3'/></source><teaming type='transient' persistent='ua-p'/></interface></devices></domain>"), D("<domain><devices><interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='virtio'/><teaming type='persistent'/><alias name='ua-p'/></interface><interface type='hostdev'><mac address='52:54:00:00:00:02'/><source><address type='pci' bus='3'/></source><teaming type='transient' persistent='ua-p'/></interface></devices></domain>")),
        ("address.pci-reserved", D("<domain><os><type arch='x86_64' machine='q35'>hvm</type></os><devices><interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/></interface></devices></domain>"), D("<domain><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/></interface></devices></domain>")),
        ("address.machine", D("<domain><os><type arch='s390x'>hvm</type></os><devices><interface type='user'><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface></devices></domain>"), D("<domain><os><type arch='x86_64'>hvm</type></os><devices><interface type='user'><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface></devices></domain>")),
        ("vhostuser.shared-memory", D("<domain><memoryBacking><access mode='shared'/></memoryBacking><devices><interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface></devices></domain>"), D("<domain><devices><interface type='vhostuser'><source type='unix' path='/s' mode='client'/><model type='virtio'/></interface></devices></domain>")),
        ("backend.port-forward", X("<interface type='user'><portForward proto='tcp'><range start='443' to='344'/></portForward><backend type='passt'/></interface>"), X("<interface type='user'><portForward proto='tcp'><range start='443' to='344'/></portForward></interface>")),
        ("rom.file", X("<interface type='user'><rom file='/usr/share/ipxe/1af41000.rom'/></interface>"), X("<interface type='user'><rom file=''/></interface>")),
        ("backend.hostname", X("<interface type='ethernet'><backend tap='/dev/net/tun'/></interface>"), X("<interface type='user'><backend type='passt' hostname='guest1'/></interface>")),
        ("backend.hostname-passt", X("<interface type='user'><backend type='passt' hostname='guest1' fqdn='guest1.example.org'/></interface>"), X("<interface type='user'><backend fqdn='guest1.example.org'/></interface>")),
        ("backend.log-file", X("<interface type='user'><backend type='passt' logFile='/var/log/p.log'/></interface>"), X("<interface type='user'><backend logFile='/var/log/p.log'/></interface>")),
        ("ip.address", X("<interface type='user'><ip address='10.0.0.2' prefix='24'/></interface>"), X("<interface type='user'><ip address='not-an-ip'/></interface>")),
        ("ip.prefix", X("<interface type='user'><ip address='fd00::2' prefix='64'/></interface>"), X("<interface type='user'><ip address='10.0.0.2' prefix='40'/></interface>")),
        ("ip.placement", X("<interface type='user'><ip address='10.0.0.2'/></interface>"), X("<interface type='bridge'><source bridge='br0'/><ip address='10.0.0.2' prefix='24'/></interface>")),
        ("ip.count", X("<interface type='user'><ip address='10.0.0.2' prefix='24'/><ip address='fd00::2' prefix='64'/></interface>"), X("<interface type='user'><ip address='10.0.0.2' prefix='24'/><ip address='10.0.0.3' prefix='24'/></interface>")),
        ("ip.prefix-qemu", X("<interface type='user'><ip address='10.0.0.2' prefix='27'/></interface>"), X("<interface type='user'><ip address='10.0.0.2' prefix='28'/></interface>")),
        ("ip.peer", X("<interface type='user'><ip address='10.0.0.2' prefix='24'/></interface>"), X("<interface type='user'><ip address='10.0.0.2' prefix='24' peer='10.0.0.1'/></interface>")),
        ("route.placement", X("<interface type='user'><ip address='10.0.0.2' prefix='24'/></interface>"), X("<interface type='user'><route family='ipv4' address='10.1.0.0' prefix='24' gateway='10.0.0.1'/></interface>")),
        ("mac.attributes", S("{\"type\": \"user\", \"mac\": \"52:54:00:00:00:01\", \"mac_type\": \"static\", \"mac_check\": false}"), S("{\"type\": \"user\", \"mac_type\": \"static\"}")),
        ("value.enum", X("<interface type='user'><mac address='52:54:00:00:00:01' type='static' check='no'/></interface>"), X("<interface type='user'><mac address='52:54:00:00:00:01' type='fixed'/></interface>")),
        ("tune.sndbuf", X("<interface type='user'><tune><sndbuf>1600</sndbuf></tune></interface>"), X("<interface type='user'><tune><sndbuf>-1</sndbuf></tune></interface>")),
        ("source.port", X("<interface type='server'><source address='127.0.0.1' port='5558'/></interface>"), X("<interface type='server'><source address='127.0.0.1' port='99999'/></interface>")),
        ("source.local", X("<interface type='udp'><source address='127.0.0.1' port='5555'><local address='127.0.0.1' port='5556'/></source></interface>"), X("<interface type='udp'><source address='127.0.0.1' port='5555'/></interface>")),
        ("source.network-attributes", X("<interface type='bridge'><source bridge='br0' network='n' portgroup='pg'/></interface>"), X("<interface type='bridge'><source bridge='br0' portgroup='pg'/></interface>")),
        ("backend.port-forward-range", X("<interface type='user'><portForward proto='tcp'><range start='443' to='344'/></portForward><backend type='passt'/></interface>"), X("<interface type='user'><portForward proto='tcp'><range end='443'/></portForward><backend type='passt'/></interface>")),
        ("extras.duplicate-attribute", S("{\"type\": \"user\", \"boot\": 1, \"extras\": {\"attributes\": [{\"element\": \"boot\", \"name\": \"loadparm\", \"value\": \"x\"}]}}"), S("{\"type\": \"user\", \"model\": \"virtio\", \"extras\": {\"attributes\": [{\"element\": \"model\", \"name\": \"type\", \"value\": \"e1000\"}]}}")),
        ("extras.orphan", S("{\"type\": \"user\", \"boot\": 1, \"extras\": {\"attributes\": [{\"element\": \"boot\", \"name\": \"loadparm\", \"value\": \"x\"}]}}"), S("{\"type\": \"user\", \"extras\": {\"attributes\": [{\"element\": \"model\", \"name\": \"x\", \"value\": \"1\"}]}}")),
        ("extras.unknown", X("<interface type='user'><mac address='52:54:00:00:00:02' type='static'/><acpi index='1'/><!-- kept --><boot order='1' loadparm='x'/></interface>"), X("<interface type='user'><x-vifxml/></interface>")),
        ("extras.unknown", X("<interface type='network'><source network='n' bridge='virbr0'/><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface>"), X("<interface type='network'><source network='n' foo='1'/></interface>")),
        ("extras.unknown", X("<interface type='ethernet'><mtu size='1500'/></interface>"), X("<interface type='ethernet'><mtu size='1500'/><mtu size='9000'/></interface>")),
        ("extras.unknown", X("<interface type='user'><mac address='52:54:00:00:00:02'/></interface>"), X("<interface type='user'><mac/></interface>")),
        ("extras.unknown", X("<interface type='network'><source network='n'/><vlan><tag id='1'/></vlan></interface>"), X("<interface type='network'><source network='n'/><vlan><tag id='1'/><tag/></vlan></interface>")),
        ("extras.unknown", X("<interface type='user'><model type='virtio'/></interface>"), X("<interface type='user'>text<model type='virtio'/></interface>")),
    ]
}

#[test]
fn every_rule_both_sides() {
    let _ = (QBG, UUID);
    for (rule, good, bad) in cases() {
        let Some(r) = crate::rules::find(rule) else {
            panic!("case for unknown rule {rule}");
        };
        let (applies, not) = versions_of(r);
        let g = findings_for(&good, applies);
        assert!(
            !g.iter().any(|d| d.rule == rule || d.is_error()),
            "{rule}: good side has findings: {g:#?}"
        );
        if let Some(v) = not {
            let b = findings_for(&bad, v);
            assert!(
                !b.iter().any(|d| d.rule == rule),
                "{rule}: reported on libvirt {v}, outside its versions: {b:#?}"
            );
        }
        let b = findings_for(&bad, applies);
        let hit = b.iter().find(|d| d.rule == rule);
        assert!(
            hit.is_some(),
            "{rule}: bad side does not trigger it: {b:#?}"
        );
        let hit = hit.unwrap();
        let expected = crate::rules::find(rule).unwrap().severity;
        assert_eq!(hit.severity, expected, "{rule}: severity");
        assert!(!hit.message.is_empty());
    }
}

#[test]
fn every_rule_has_a_case() {
    let covered: Vec<&str> = cases().iter().map(|(r, _, _)| *r).collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id) && !UNTESTABLE_HERE.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a both-sides case: {missing:?}"
    );
}

/// Rules whose bad side is too large to spell inline; each has its own test (`size_limits`
/// below, `verbatim_forms_of_modelled_things` in verbatim.rs).
const UNTESTABLE_HERE: &[&str] = &["xml.too-large", "spec.too-large", "model.verbatim-form"];

#[test]
fn size_limits() {
    let opts = crate::xml::ParseOptions {
        max_size: 64,
        ..Default::default()
    };
    assert!(opts.parse_document("<interface type='user'/>").is_ok());
    let big = format!("<interface type='user'>{}</interface>", " ".repeat(64));
    assert!(opts.parse_document(&big).unwrap_err().has("xml.too-large"));
    let huge = " ".repeat(crate::spec::MAX_SPEC_SIZE + 1);
    assert!(crate::spec::from_str(&huge)
        .unwrap_err()
        .has("spec.too-large"));
}

#[test]
fn findings_from_xml_carry_path_and_position() {
    let src = "<domain>\n  <devices>\n    <interface type='user'/>\n    <interface type='direct'>\n      <source dev='eth0'/>\n      <virtualport type='802.1Qbg'>\n        <parameters managerid='0' typeid='1' typeidversion='1'/>\n      </virtualport>\n    </interface>\n  </devices>\n</domain>\n";
    let doc = crate::xml::parse_document(src).unwrap();
    let f = crate::validate::validate_document(src, &doc);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "virtualport.managerid-reserved");
    assert_eq!(
        f[0].path,
        "devices/interface[2]/virtualport/parameters/@managerid"
    );
    assert_eq!(f[0].line_col(src), Some((7, 21)));
}

#[test]
fn parse_findings_are_all_reported() {
    let src = "<interface type='direct'><source dev='eth0' mode='VEPA'/><mac address='01:00:00:00:00:00'/><mtu size='x'/></interface>";
    let e = crate::xml::parse_interface(src).unwrap_err();
    let rules: Vec<&str> = e.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["direct.mode", "mac.multicast", "value.number"]);
    assert!(e.iter().all(|d| d.offset.is_some()));
}

/// Rates libvirt 11.3 takes and 9.0 refuses, bursts the other way round.
#[test]
fn bandwidth_limits_follow_the_version() {
    let rate = X("<interface type='network'><source network='n'/><bandwidth><inbound average='4294967296'/></bandwidth></interface>");
    let burst = X("<interface type='network'><source network='n'/><bandwidth><inbound average='10' burst='4194304'/></bandwidth></interface>");
    let rules = |i: &In, v| -> Vec<&str> { findings_for(i, v).iter().map(|d| d.rule).collect() };
    assert_eq!(rules(&rate, LibvirtVersion::V9_0), ["bandwidth.range"]);
    assert!(rules(&rate, LibvirtVersion::V11_3).is_empty());
    assert!(rules(&burst, LibvirtVersion::V9_0).is_empty());
    assert_eq!(rules(&burst, LibvirtVersion::V11_3), ["bandwidth.burst"]);
}

/// A failover pair shares its MAC: no duplicate-mac warning for it, one for any other pair.
#[test]
fn failover_pairs_share_a_mac() {
    let pair = D("<domain><devices><interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='virtio'/><teaming type='persistent'/><alias name='ua-p'/></interface><interface type='hostdev'><mac address='52:54:00:00:00:01'/><source><address type='pci' bus='3'/></source><teaming type='transient' persistent='ua-p'/></interface><interface type='user'><mac address='52:54:00:00:00:01'/></interface></devices></domain>");
    let f = findings_for(&pair, LibvirtVersion::NEWEST);
    let dups: Vec<&str> = f
        .iter()
        .filter(|d| d.rule == "devices.duplicate-mac")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(dups, ["devices/interface[3]/mac/@address"], "{f:#?}");
}

/// A USB device given as a hostdev interface (libvirt 9.0 and 11.3 define it) is kept in the
/// verbatim form, reads back the same, and validates.
#[test]
fn usb_hostdev_interfaces_are_kept() {
    let src = "<interface type='hostdev' managed='yes'><mac address='52:54:00:6d:90:02'/><source><address type='usb' bus='0x1' device='0x2'/></source></interface>";
    let i = crate::xml::parse_interface(src).expect("reads");
    assert_eq!(i.kind.type_name(), "hostdev");
    let out = crate::xml::render_interface(&i);
    assert!(
        out.contains("<address type='usb' bus='0x1' device='0x2'/>"),
        "{out}"
    );
    assert_eq!(crate::xml::parse_interface(&out).expect("reads back"), i);
    let f = findings_for(&X(src), LibvirtVersion::NEWEST);
    assert!(f.is_empty(), "{f:#?}");
}

/// The class id libvirt gives a network interface's bandwidth is live state: refused in a
/// definition, taken in status XML.
#[test]
fn bandwidth_class_id_only_in_status_xml() {
    let iface = "<interface type='network'><source network='default'/><bandwidth><inbound average='1' floor='1'/></bandwidth></interface>";
    let with_id = iface.replace("<bandwidth>", "<bandwidth classID='3'>");
    let def = D(Box::leak(
        format!("<domain><devices>{with_id}</devices></domain>").into_boxed_str(),
    ));
    let status = D(Box::leak(
        format!("<domstatus><domain><devices>{with_id}</devices></domain></domstatus>")
            .into_boxed_str(),
    ));
    let rules = |i: &In| -> Vec<&str> {
        findings_for(i, LibvirtVersion::NEWEST)
            .iter()
            .map(|d| d.rule)
            .collect()
    };
    assert_eq!(rules(&def), ["extras.unknown"]);
    assert!(rules(&status).is_empty(), "{:?}", rules(&status));
}

/// A running guest's live XML (`<domain id>`) may carry `mac currentAddress` from libvirt 11.2
/// and the bandwidth class id; a definition may not.
#[test]
fn live_xml_carries_live_state() {
    let nic = "<interface type='network'><mac address='52:54:00:00:00:01' currentAddress='yes'/><source network='default'/><bandwidth classID='3'><inbound average='1' floor='1'/></bandwidth></interface>";
    let live = D(Box::leak(
        format!("<domain type='kvm' id='7'><devices>{nic}</devices></domain>").into_boxed_str(),
    ));
    let def = D(Box::leak(
        format!("<domain type='kvm'><devices>{nic}</devices></domain>").into_boxed_str(),
    ));
    let paths =
        |i: &In, v| -> Vec<String> { findings_for(i, v).into_iter().map(|d| d.path).collect() };
    assert!(
        paths(&live, LibvirtVersion::V11_3).is_empty(),
        "{:?}",
        paths(&live, LibvirtVersion::V11_3)
    );
    assert_eq!(
        paths(&live, LibvirtVersion::V9_0),
        ["devices/interface[1]/mac/@currentAddress"]
    );
    assert_eq!(
        paths(&def, LibvirtVersion::V11_3),
        [
            "devices/interface[1]/mac/@currentAddress",
            "devices/interface[1]/bandwidth/@classID"
        ]
    );
}
