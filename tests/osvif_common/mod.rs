//! What the os-vif tests share: the real fixtures vifxml refuses whatever the options, with the
//! refusal's kind, class and field.

use vifxml::osvif::OsVifErrorKind;

/// `(case, kind, class, field path)`.
pub type Refusal = (&'static str, OsVifErrorKind, &'static str, &'static str);

/// Real fixtures refused with any options: nova refuses each too.
pub const ALWAYS_REFUSED: &[Refusal] = &[
    (
        "direct-vepa-qbg-manager-256",
        OsVifErrorKind::Value,
        "VIFPortProfile8021Qbg",
        "port_profile.manager_id",
    ),
    (
        "direct-vepa-qbg-type-id-2-24",
        OsVifErrorKind::Value,
        "VIFPortProfile8021Qbg",
        "port_profile.type_id",
    ),
    (
        "hostdev-generic",
        OsVifErrorKind::Unsupported,
        "VIFHostDevice",
        "dev_type",
    ),
    (
        "nested-dpdk",
        OsVifErrorKind::Unsupported,
        "VIFNestedDPDK",
        "versioned_object.name",
    ),
    (
        "ovs-base-profile",
        OsVifErrorKind::Unsupported,
        "VIFOpenVSwitch",
        "port_profile",
    ),
    (
        "ovs-qbg-profile",
        OsVifErrorKind::Unsupported,
        "VIFOpenVSwitch",
        "port_profile",
    ),
];

/// The multi-queue tap without a queue count (`--queues`): refused with the default options,
/// and with nova's settings of a one-vCPU flavor.
pub const MULTIQUEUE_WITHOUT_QUEUES: fn(&'static str) -> Refusal = |name| {
    (
        name,
        OsVifErrorKind::Missing,
        "VIFPortProfileOpenVSwitch",
        "port_profile.multiqueue",
    )
};
