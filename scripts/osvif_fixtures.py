"""Writes fixtures/osvif/real/: os-vif objects built by the real os-vif library, and what the
real nova libvirt driver renders for each of them.

Run through scripts/osvif-fixtures, which makes the virtual environment (os-vif and nova from
PyPI, versions pinned in scripts/python-requirements.txt) and fixes PYTHONHASHSEED so the
output is the same on every run.

For every case:
  NAME.json       obj_to_primitive() of the VIF, exactly as os-vif writes it
  NAME.nova.xml   LibvirtGenericVIFDriver's <interface> for it (absent when nova raised)
and manifest.json lists os-vif's classes (version and fields), then each case with the nova settings it was rendered with (virt type,
vnic type, flavor, image properties, [libvirt] options), the host facts both sides are given
(the network device or vDPA device on a PCI address), and nova's exception when it raised.
"""

import argparse
import copy
import importlib.metadata
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

from os_vif import objects as osv  # noqa: E402
from oslo_versionedobjects import base as ovo_base  # noqa: E402
from os_vif.objects import base as osv_base  # noqa: E402

osv.register_all()

from nova import objects as nova_objects  # noqa: E402

nova_objects.register_all()

import nova.conf  # noqa: E402
from nova.network import model as nm  # noqa: E402
from nova.network import os_vif_util  # noqa: E402
from nova.virt.libvirt import vif as libvirt_vif  # noqa: E402

CONF = nova.conf.CONF
CONF([], project="nova", default_config_files=[])

V = osv.vif
PORT = "5d2a91c0-3b4e-4f7a-9c1d-2e3f4a5b6c7d"
NET_ID = "c4b1e0a2-7d3f-4e58-9a61-0f2b3c4d5e6f"
MAC = "fa:16:3e:5d:2a:91"
TAP = "tap5d2a91c0-3b"
VF = "0000:81:10.2"
PF = "0000:81:00.0"
HOST = {
    "pci_netdev": {PF: "ens1f0", VF: "ens1f0v2"},
    "vdpa_device": {VF: "/dev/vhost-vdpa-3"},
}


def network(bridge="br-int", mtu=1450, vlan=None):
    fixed = osv.fixed_ip.FixedIP(address="10.0.0.12", floating_ips=[])
    subnet = osv.subnet.Subnet(
        cidr="10.0.0.0/26",
        dns=["10.0.0.2"],
        gateway="10.0.0.1",
        ips=osv.fixed_ip.FixedIPList(objects=[fixed]),
        routes=osv.route.RouteList(objects=[]),
    )
    kw = dict(
        id=NET_ID,
        label="private",
        subnets=osv.subnet.SubnetList(objects=[subnet]),
        multi_host=False,
        should_provide_bridge=False,
        should_provide_vlan=vlan is not None,
    )
    if bridge is not None:
        kw["bridge"] = bridge
    if mtu is not None:
        kw["mtu"] = mtu
    if vlan is not None:
        kw["vlan"] = vlan
    return osv.network.Network(**kw)


def base(cls, net, profile=None, plugin="ovs", **kw):
    obj = cls(
        id=PORT,
        address=MAC,
        network=net,
        plugin=plugin,
        active=False,
        preserve_on_delete=False,
        has_traffic_filtering=True,
        **kw,
    )
    if profile is not None:
        obj.port_profile = profile
    return obj


def ovs_profile(**kw):
    kw.setdefault("datapath_type", "system")
    return V.VIFPortProfileOpenVSwitch(interface_id=PORT, **kw)


def representor(**kw):
    prof = V.VIFPortProfileOVSRepresentor(
        interface_id=PORT, representor_name=TAP, representor_address=VF, **kw
    )
    prof.datapath_offload = offload()
    return prof


def offload():
    return V.DatapathOffloadRepresentor(representor_name=TAP, representor_address=VF)


def base_profile_with_offload():
    prof = V.VIFPortProfileBase()
    prof.datapath_offload = offload()
    return prof


def qbg(**kw):
    args = dict(
        manager_id=11,
        type_id=1193046,
        type_id_version=2,
        instance_id="09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f",
    )
    args.update(kw)
    return V.VIFPortProfile8021Qbg(**args)


def qbh():
    return V.VIFPortProfile8021Qbh(profile_id="port-profile-web")


def vhu(profile=None, plugin="ovs", mode="server", **kw):
    return base(
        V.VIFVHostUser,
        network(),
        profile,
        plugin=plugin,
        vif_name="vhu5d2a91c0-3b",
        path="/var/run/openvswitch/vhu5d2a91c0-3b",
        mode=mode,
        **kw,
    )


def hostdev(profile=None, net=None, dev_type="ethernet", plugin="noop"):
    return base(
        V.VIFHostDevice,
        net or network(bridge=None, mtu=1500),
        profile,
        plugin=plugin,
        dev_address=VF,
        dev_type=dev_type,
    )


def direct(mode, profile=None, **kw):
    return base(
        V.VIFDirect,
        network(bridge=None, mtu=1500, vlan=kw.pop("vlan", None)),
        profile,
        plugin="noop",
        vif_name=TAP,
        mode=mode,
        **kw,
    )


def backported(obj, **versions):
    """obj's primitive with its port profile (and the VIF itself) as an older os-vif sends
    them: each part backported by os-vif's own obj_to_primitive(target_version=...)."""
    registry = ovo_base.VersionedObjectRegistry.obj_classes()
    manifest = {name: classes[0].VERSION for name, classes in registry.items()}
    prim = obj.obj_to_primitive(
        target_version=versions.get("vif", obj.VERSION), version_manifest=manifest
    )
    if "profile" in versions:
        data = prim["versioned_object.data"]
        data["port_profile"] = obj.port_profile.obj_to_primitive(
            target_version=versions["profile"]
        )
    return prim


# Settings nova renders with: [libvirt]virt_type, the port's vnic_type, the flavor (vcpus and
# extra specs), image properties, and [libvirt] rx/tx_queue_size.
KVM = {"virt_type": "kvm", "vnic_type": "normal"}


def settings(**kw):
    s = dict(KVM)
    s.update(kw)
    return s


MQ = settings(vcpus=4, extra_specs={"hw:vif_multiqueue_enabled": "true"})
BW = settings(
    extra_specs={
        "quota:vif_inbound_average": "1024",
        "quota:vif_inbound_peak": "2048",
        "quota:vif_inbound_burst": "512",
        "quota:vif_outbound_average": "768",
    }
)
TUNED = settings(
    vcpus=2,
    extra_specs={"hw:vif_multiqueue_enabled": "true", "hw:virtio_packed_ring": "true"},
    rx_queue_size=512,
    tx_queue_size=1024,
)
DIRECT = settings(vnic_type="direct")
MACVTAP = settings(vnic_type="macvtap")


def os_vif_cases():
    """Every VIF class x every port profile that fits it, built with os-vif itself."""
    c = []

    def add(name, obj, s=KVM, prim=None):
        c.append((name, obj, s, prim))

    # VIFGeneric (ivs, vrouter, plain taps).
    add("generic-tap", base(V.VIFGeneric, network(), plugin="noop", vif_name=TAP))
    add(
        "generic-base-profile",
        base(V.VIFGeneric, network(), V.VIFPortProfileBase(), plugin="vrouter", vif_name=TAP),
    )
    add("generic-qemu", base(V.VIFGeneric, network(mtu=None), plugin="noop", vif_name=TAP),
        settings(virt_type="qemu"))
    # VIFBridge: linux bridge, and ovs hybrid plug (the profile describes the qvo port).
    add(
        "bridge-linuxbridge",
        base(V.VIFBridge, network(bridge="brqc4b1e0a2-7d"), plugin="linux_bridge",
             vif_name=TAP, bridge_name="brqc4b1e0a2-7d"),
    )
    add(
        "bridge-ovs-hybrid",
        base(V.VIFBridge, network(), ovs_profile(create_tap=False), vif_name=TAP,
             bridge_name="qbr5d2a91c0-3b"),
    )
    add(
        "bridge-ovs-hybrid-bandwidth",
        base(V.VIFBridge, network(), ovs_profile(create_tap=False), vif_name=TAP,
             bridge_name="qbr5d2a91c0-3b"),
        BW,
    )
    # VIFOpenVSwitch: libvirt plugs, os-vif adds the port, os-vif makes the tap.
    ovs = base(V.VIFOpenVSwitch, network(), ovs_profile(create_tap=False), vif_name=TAP,
               bridge_name="br-int")
    add("ovs-bridge", ovs)
    for old in ("1.0", "1.1", "1.2", "1.3"):
        add(f"ovs-bridge-profile-{old}", ovs, KVM, backported(ovs, profile=old))
    add("ovs-bridge-tuned", ovs, TUNED)
    add("ovs-bridge-bandwidth", ovs, BW)
    add("ovs-bridge-qemu", ovs, settings(virt_type="qemu"))
    add(
        "ovs-bridge-netdev-profileid",
        base(V.VIFOpenVSwitch, network(mtu=9000),
             ovs_profile(datapath_type="netdev", profile_id="gold", create_tap=False),
             vif_name=TAP, bridge_name="br-int"),
    )
    add(
        "ovs-create-port",
        base(V.VIFOpenVSwitch, network(), ovs_profile(create_port=True, create_tap=False),
             vif_name=TAP, bridge_name="br-int"),
    )
    tap = base(V.VIFOpenVSwitch, network(), ovs_profile(create_port=True, create_tap=True),
               vif_name=TAP, bridge_name="br-int")
    add("ovs-create-tap", tap)
    add(
        "ovs-create-tap-multiqueue",
        base(V.VIFOpenVSwitch, network(),
             ovs_profile(create_port=True, create_tap=True, multiqueue=True),
             vif_name=TAP, bridge_name="br-int"),
        MQ,
    )
    add("ovs-create-tap-profile-1.3", tap, KVM, backported(tap, profile="1.3"))
    # What nova renders for a multi-queue tap of a 1-vCPU flavor (queues='1'), and for a
    # single-queue tap in a multiqueue flavor: libvirt opens the tap the other way round.
    add(
        "ovs-create-tap-multiqueue-1vcpu",
        base(V.VIFOpenVSwitch, network(),
             ovs_profile(create_port=True, create_tap=True, multiqueue=True),
             vif_name=TAP, bridge_name="br-int"),
        settings(vcpus=1, extra_specs={"hw:vif_multiqueue_enabled": "true"}),
    )
    add(
        "ovs-create-tap-single-queue",
        base(V.VIFOpenVSwitch, network(),
             ovs_profile(create_port=True, create_tap=True, multiqueue=False),
             vif_name=TAP, bridge_name="br-int"),
        MQ,
    )
    add(
        "ovs-base-profile",
        base(V.VIFOpenVSwitch, network(), V.VIFPortProfileBase(), vif_name=TAP,
             bridge_name="br-int"),
    )
    add(
        "ovs-qbg-profile",
        base(V.VIFOpenVSwitch, network(), qbg(), vif_name=TAP, bridge_name="br-int"),
    )
    # VIFDirect: macvtap; nova has no os-vif path for it (its legacy macvtap path is not
    # os-vif), so nova raises and vifxml's own mapping is checked by libvirt alone.
    add("direct-vepa-qbg", direct("vepa", qbg(), dev_address=PF), MACVTAP)
    add("direct-vepa-qbg-profile-1.0", direct("vepa", qbg(), dev_address=PF), MACVTAP,
        backported(direct("vepa", qbg(), dev_address=PF), profile="1.0"))
    add("direct-passthrough-qbh", direct("passthrough", qbh(), dev_address=VF), MACVTAP)
    add("direct-bridge-vlan-name", direct("bridge", vlan_name="vlan42", dev_address=PF,
                                          vlan=42), MACVTAP)
    add("direct-passthrough-vlan", direct("passthrough", dev_address=VF, vlan=42), MACVTAP)
    add("direct-vepa-base-profile", direct("vepa", V.VIFPortProfileBase(), dev_address=PF),
        MACVTAP)
    add("direct-vepa-qbg-manager-256", direct("vepa", qbg(manager_id=256), dev_address=PF),
        MACVTAP)
    add("direct-vepa-qbg-type-id-2-24", direct("vepa", qbg(type_id=1 << 24), dev_address=PF),
        MACVTAP)
    # VIFVHostUser: OVS-DPDK, plain (contrail/noop), 6WIND fast path, virtio-forwarder.
    add("vhostuser-ovs-dpdk", vhu(ovs_profile(datapath_type="netdev", create_tap=False)))
    add("vhostuser-ovs-dpdk-tuned", vhu(ovs_profile(datapath_type="netdev",
                                                    create_tap=False)), TUNED)
    add("vhostuser-client", vhu(None, plugin="noop", mode="client"))
    legacy = vhu(None, plugin="noop", mode="client")
    add("vhostuser-client-1.0", legacy, KVM, backported(legacy, vif="1.0"))
    add("vhostuser-fp-ovs", vhu(V.VIFPortProfileFPOpenVSwitch(
        interface_id=PORT, datapath_type="netdev", bridge_name="br-int", hybrid_plug=False),
        plugin="vhostuser_fp"))
    add("vhostuser-fp-bridge", vhu(V.VIFPortProfileFPBridge(bridge_name="brq-fp"),
                                   plugin="vhostuser_fp"))
    add("vhostuser-fp-tap", vhu(V.VIFPortProfileFPTap(mac_address=MAC),
                                plugin="vhostuser_fp"))
    add("vhostuser-virtio-forwarder", vhu(representor(), plugin="agilio_ovs", mode="client"),
        settings(vnic_type="virtio-forwarder"))
    add("vhostuser-base-offload", vhu(base_profile_with_offload(), plugin="vrouter",
                                      mode="client"),
        settings(vnic_type="virtio-forwarder"))
    # VIFHostDevice: SR-IOV VF as <interface type='hostdev'>, and vDPA.
    add("hostdev-sriov", hostdev(), DIRECT)
    add("hostdev-sriov-vlan", hostdev(net=network(bridge=None, mtu=1500, vlan=42)), DIRECT)
    add("hostdev-ovs-representor", hostdev(representor(), net=network(), plugin="ovs"),
        DIRECT)
    add("hostdev-ovs-profile", hostdev(ovs_profile(create_tap=False), net=network(),
                                       plugin="ovs"), DIRECT)
    add("hostdev-qbh", hostdev(qbh()), DIRECT)
    add("hostdev-base-offload", hostdev(base_profile_with_offload(), plugin="vrouter"),
        DIRECT)
    add("hostdev-packed", hostdev(), settings(vnic_type="direct",
                                              extra_specs={"hw:virtio_packed_ring": "true"}))
    add("hostdev-vdpa", hostdev(representor(), net=network(), plugin="ovs"),
        settings(vnic_type="vdpa"))
    add("hostdev-vdpa-queues", hostdev(representor(), net=network(), plugin="ovs"),
        settings(vnic_type="vdpa", rx_queue_size=512, tx_queue_size=1024))
    add("hostdev-generic", hostdev(dev_type="generic"), DIRECT)
    # VIFNestedDPDK: kuryr-kubernetes, a device already in the guest.
    add("nested-dpdk", base(V.VIFNestedDPDK, network(), V.VIFPortProfileK8sDPDK(
        l3_setup=False, selflink="/api/v1/namespaces/default/pods/vm",
        resourceversion="1234"), plugin="noop", pci_address="0000:00:05.0",
        dev_driver="vfio-pci"))
    return c


def nova_vif(vif_type, vnic_type="normal", details=None, profile=None, bridge="br-int",
             mtu=1450, devname=TAP):
    net = nm.Network(id=NET_ID, bridge=bridge, label="private", subnets=[],
                     meta={"mtu": mtu})
    return nm.VIF(id=PORT, address=MAC, network=net, type=vif_type, details=details or {},
                  devname=devname, ovs_interfaceid=PORT, vnic_type=vnic_type,
                  profile=profile or {}, active=False, preserve_on_delete=False)


def nova_cases():
    """Neutron port bindings as nova sees them, turned into os-vif objects by nova's own
    os_vif_util.nova_to_osvif_vif: what a current nova really hands to os-vif."""
    ovs = {"port_filter": True, "datapath_type": "system"}
    vhu_details = {"vhostuser_mode": "server", "vhostuser_socket":
                   "/var/run/openvswitch/vhu5d2a91c0-3b", "vhostuser_ovs_plug": True}
    pci = {"pci_slot": VF, "pci_vendor_info": "15b3:101e", "physical_network": "physnet1"}
    return [
        ("nova-ovs", nova_vif("ovs", details=ovs), KVM),
        ("nova-ovs-hybrid", nova_vif("ovs", details=dict(ovs, ovs_hybrid_plug=True)), KVM),
        ("nova-ovs-create-tap", nova_vif("ovs", details=dict(ovs, ovs_create_tap=True)), KVM),
        ("nova-ovs-delegate-create", _delegate(nova_vif("ovs", details=ovs)), KVM),
        ("nova-ovs-direct", nova_vif("ovs", "direct", details=ovs, profile=pci), DIRECT),
        ("nova-ovs-vdpa", nova_vif("ovs", "vdpa", details=ovs, profile=pci),
         settings(vnic_type="vdpa")),
        ("nova-vhostuser-ovs", nova_vif("vhostuser", details=vhu_details), KVM),
        ("nova-vhostuser-fp", nova_vif("vhostuser", details=dict(
            vhu_details, vhostuser_fp_plug=True)), KVM),
        ("nova-agilio-direct", nova_vif("agilio_ovs", "direct", details=ovs, profile=pci),
         DIRECT),
        ("nova-agilio-forwarder", nova_vif("agilio_ovs", "virtio-forwarder", details=dict(
            vhu_details, vhostuser_mode="client"), profile=pci),
         settings(vnic_type="virtio-forwarder")),
        ("nova-vrouter", nova_vif("vrouter"), KVM),
        ("nova-vrouter-direct", nova_vif("vrouter", "direct", profile=pci), DIRECT),
        ("nova-ivs", nova_vif("ivs"), KVM),
    ]


def _delegate(vif):
    vif["delegate_create"] = True
    return vif


class FakeHost:
    """nova asks its libvirt Host for the vDPA device on a VF; this answers from HOST."""

    def get_vdpa_device_path(self, pci_address):
        return HOST["vdpa_device"][pci_address]


def render(obj, s):
    """What nova's LibvirtGenericVIFDriver renders for obj with settings s."""
    CONF.set_override("virt_type", s["virt_type"], group="libvirt")
    CONF.set_override("rx_queue_size", s.get("rx_queue_size"), group="libvirt")
    CONF.set_override("tx_queue_size", s.get("tx_queue_size"), group="libvirt")
    CONF.set_override("max_queues", 256, group="libvirt")
    flavor = nova_objects.Flavor(vcpus=s.get("vcpus", 1), memory_mb=64,
                                 extra_specs=dict(s.get("extra_specs", {})))
    image = nova_objects.ImageMeta.from_dict({"properties": {}})
    driver = libvirt_vif.LibvirtGenericVIFDriver(host=FakeHost())
    conf = driver._get_config_os_vif(None, obj, image, flavor, s["virt_type"],
                                     s["vnic_type"])
    return conf.to_xml()


def versions():
    names = ["os-vif", "nova", "oslo.versionedobjects", "lxml"]
    return {n: importlib.metadata.version(n) for n in names}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    cases = [(n, o, s, p) for n, o, s, p in os_vif_cases()]
    for name, nvif, s in nova_cases():
        cases.append((name, os_vif_util.nova_to_osvif_vif(nvif), s, None))
    registry = ovo_base.VersionedObjectRegistry.obj_classes()
    classes = {
        name: {"version": cls[0].VERSION, "fields": sorted(cls[0].fields)}
        for name, cls in sorted(registry.items())
        if cls[0].OBJ_PROJECT_NAMESPACE == "os_vif"
    }
    manifest = {
        "generator": "scripts/osvif-fixtures",
        "versions": versions(),
        "classes": classes,
        "host": HOST,
        "cases": [],
    }
    for name, obj, s, prim in cases:
        prim = prim if prim is not None else obj.obj_to_primitive()
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(prim, f, indent=2)
            f.write("\n")
        entry = {"name": name, "class": obj.obj_name(), "nova": copy.deepcopy(s)}
        # nova renders from the object as the receiver rebuilds it from the primitive.
        received = osv_base.VersionedObject.obj_from_primitive(prim)
        try:
            xml = render(received, s)
        except Exception as e:  # nova's refusal is a fact to record
            entry["nova_error"] = f"{type(e).__name__}: {e}"
        else:
            with open(os.path.join(out, name + ".nova.xml"), "w") as f:
                f.write(xml)
        manifest["cases"].append(entry)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{len(cases)} cases written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
