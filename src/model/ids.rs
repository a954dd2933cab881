//! Validated identifier newtypes.
//!
//! Each type here can only be built through a constructor that checks its value, so a model that
//! holds one is known to be in range. Parsing is lenient the way libvirt is (hexadecimal and octal
//! numbers, UUIDs without dashes, one-digit MAC groups); rendering ([`std::fmt::Display`]) is
//! canonical (decimal numbers, lowercase dashed UUIDs, two-digit lowercase MAC groups).
//!
//! ```
//! use vifxml::model::ids::{MacAddr, VsiTypeId};
//! let mac: MacAddr = "52:54:0:AB:cd:1".parse().unwrap();
//! assert_eq!(mac.to_string(), "52:54:00:ab:cd:01");
//! assert_eq!("0x10".parse::<VsiTypeId>().unwrap().get(), 16);
//! assert!("0x1000000".parse::<VsiTypeId>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

/// What was wrong with a rejected identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdErrorKind {
    /// A MAC address that is not six `:`-separated groups of one or two hex digits.
    MacSyntax,
    /// A MAC address with the group bit set (first octet odd).
    MacMulticast,
    /// A number that is not a non-negative integer in decimal, `0x` hex or `0` octal.
    NumberSyntax,
    /// VSI manager id outside 0..=255.
    ManagerIdRange,
    /// VSI type id outside 0..=0xFFFFFF.
    TypeIdRange,
    /// VSI type id version outside 0..=255.
    TypeIdVersionRange,
    /// Not a UUID.
    UuidSyntax,
    /// Port profile id empty or longer than 39 bytes.
    ProfileIdLength,
    /// VLAN tag outside 0..=4095.
    VlanTagRange,
    /// PCI domain outside 0..=0xFFFFFFFF.
    PciDomainRange,
    /// PCI bus outside 0..=0xFF.
    PciBusRange,
    /// PCI slot outside 0..=0x1F.
    PciSlotRange,
    /// PCI function outside 0..=7.
    PciFunctionRange,
    /// A device or interface name that is empty or uses characters outside `[a-zA-Z0-9_.\-\\:/]`.
    DeviceNameSyntax,
}

impl IdErrorKind {
    fn expected(self) -> &'static str {
        match self {
            IdErrorKind::MacSyntax => "six ':'-separated groups of one or two hex digits",
            IdErrorKind::MacMulticast => "a unicast address (first octet even)",
            IdErrorKind::NumberSyntax => "a non-negative integer (decimal, 0x hex or 0 octal)",
            IdErrorKind::ManagerIdRange => "a manager id in 0..=255",
            IdErrorKind::TypeIdRange => "a type id in 0..=16777215 (0xffffff)",
            IdErrorKind::TypeIdVersionRange => "a type id version in 0..=255",
            IdErrorKind::UuidSyntax => "a UUID (32 hex digits, dashes optional)",
            IdErrorKind::ProfileIdLength => "a profile id of 1 to 39 bytes",
            IdErrorKind::VlanTagRange => "a vlan tag in 0..=4095",
            IdErrorKind::PciDomainRange => {
                "a pci domain in 0..=0xffffffff (0..=0xffff for a guest address)"
            }
            IdErrorKind::PciBusRange => "a pci bus in 0..=0xff",
            IdErrorKind::PciSlotRange => "a pci slot in 0..=0x1f",
            IdErrorKind::PciFunctionRange => "a pci function in 0..=7",
            IdErrorKind::DeviceNameSyntax => "a non-empty name of [a-zA-Z0-9_.-\\:/] characters",
        }
    }
}

/// A rejected identifier: what kind of check failed and the value that failed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid value '{value}': expected {}", kind.expected())]
pub struct IdError {
    /// Which check failed.
    pub kind: IdErrorKind,
    /// The rejected input, as given.
    pub value: String,
}

impl IdError {
    pub(crate) fn new(kind: IdErrorKind, value: &str) -> Self {
        IdError {
            kind,
            value: value.to_owned(),
        }
    }
}

/// Parses an unsigned integer the way libvirt does with `strtoul(s, _, 0)`: leading white space
/// and a `+` are skipped, a `0x`/`0X` prefix is hexadecimal, a leading `0` is octal, anything
/// else decimal. A `-`, trailing characters (white space included) and overflow are refused.
pub fn parse_base0(s: &str) -> Result<u64, IdError> {
    let err = || IdError::new(IdErrorKind::NumberSyntax, s);
    let t = strip_sign(s);
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        (&t[1..], 8)
    } else {
        (t, 10)
    };
    digits_value(digits, radix).ok_or_else(err)
}

/// The value of a non-empty run of digits in `radix` (8, 10 or 16), if it fits in a u64.
fn digits_value(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    if radix == 10 && digits.len() <= 19 {
        // Up to 19 decimal digits cannot overflow: no checks on the way.
        return digits.bytes().try_fold(0u64, |v, b| {
            let d = b.wrapping_sub(b'0');
            (d <= 9).then(|| v * 10 + u64::from(d))
        });
    }
    let mut v = 0u64;
    for &b in digits.as_bytes() {
        let d = u64::from(hex_value(b)?);
        if d >= u64::from(radix) {
            return None;
        }
        v = v.checked_mul(u64::from(radix))?.checked_add(d)?;
    }
    Some(v)
}

/// Parses a decimal unsigned integer the way libvirt reads most attributes (leading white
/// space and `+` skipped; nothing after the digits).
pub fn parse_decimal(s: &str) -> Result<u64, IdError> {
    digits_value(strip_sign(s), 10).ok_or_else(|| IdError::new(IdErrorKind::NumberSyntax, s))
}

/// Leading white space and one `+`, which libvirt's number reader (`strtoul`) skips.
fn strip_sign(s: &str) -> &str {
    // Attribute values rarely start with either: look before trimming.
    match s.as_bytes().first() {
        Some(b'0'..=b'9') | None => s,
        _ => {
            let t = s.trim_start_matches([' ', '\t', '\n', '\r']);
            t.strip_prefix('+').unwrap_or(t)
        }
    }
}

/// Serde through the text form; the JSON Schema is a string with `pattern`, which matches
/// exactly the strings the deserializer accepts.
macro_rules! serde_via_str {
    ($t:ty, $name:literal, $pattern:expr, $desc:literal) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": $desc,
                })
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::from_spec_str(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Integer ids accept a JSON number or a string in any base libvirt reads.
macro_rules! bounded_int {
    ($(#[$doc:meta])* $name:ident, $repr:ty, $max:expr, $kind:expr, $parse:path, $hex:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($repr);

        impl $name {
            /// The largest accepted value.
            pub const MAX: $repr = $max;

            /// Builds the id, refusing values out of range.
            pub fn new(v: u64) -> Result<Self, IdError> {
                if v > Self::MAX as u64 {
                    return Err(IdError::new($kind, &v.to_string()));
                }
                Ok($name(v as $repr))
            }

            /// The numeric value.
            pub fn get(self) -> $repr {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                let v = $parse(s)?;
                Self::new(v).map_err(|e| IdError { value: s.to_owned(), ..e })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(self.0 as u64)
            }
        }

        /// A JSON number, or (where `$hex` gives a pattern) a `0x` hex string.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match NumOrStr::deserialize(d)? {
                    NumOrStr::Num(n) => $name::new(n).map_err(serde::de::Error::custom),
                    NumOrStr::Str(s) => {
                        let hex: Option<&str> = $hex;
                        if hex.is_none() || !is_hex_literal(&s) {
                            return Err(serde::de::Error::custom(format!(
                                "'{s}': expected {}",
                                if hex.is_some() { "a number or a 0x hex string" } else { "a number" }
                            )));
                        }
                        let v = parse_base0(&s).map_err(serde::de::Error::custom)?;
                        $name::new(v).map_err(|e| serde::de::Error::custom(IdError { value: s, ..e }))
                    }
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let max = Self::MAX as u64;
                let hex: Option<&str> = $hex;
                // `maximum` only constrains numbers and `pattern` only strings.
                match hex {
                    Some(p) => json_schema!({
                        "type": ["integer", "string"],
                        "minimum": 0,
                        "maximum": max,
                        "pattern": p,
                    }),
                    None => json_schema!({"type": "integer", "minimum": 0, "maximum": max}),
                }
            }
        }
    };
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Num(u64),
    Str(String),
}

/// `0x`/`0X` followed by hex digits only.
fn is_hex_literal(s: &str) -> bool {
    s.strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

bounded_int!(
    /// IEEE 802.1Qbg VSI manager id, 0..=255 (`<parameters managerid='11'/>`).
    /// 0 is reserved by IEEE; libvirt accepts it and the validator warns.
    VsiManagerId, u8, u8::MAX, IdErrorKind::ManagerIdRange, parse_base0,
    Some("^0[xX]0*[0-9a-fA-F]{1,2}$")
);
bounded_int!(
    /// IEEE 802.1Qbg VSI type id, 0..=0xFFFFFF (`<parameters typeid='1193047'/>`).
    VsiTypeId, u32, 0xFF_FFFF, IdErrorKind::TypeIdRange, parse_base0,
    Some("^0[xX]0*[0-9a-fA-F]{1,6}$")
);
bounded_int!(
    /// IEEE 802.1Qbg VSI type id version, 0..=255 (`<parameters typeidversion='2'/>`).
    VsiTypeIdVersion, u8, u8::MAX, IdErrorKind::TypeIdVersionRange, parse_base0,
    Some("^0[xX]0*[0-9a-fA-F]{1,2}$")
);
bounded_int!(
    /// 802.1Q VLAN id, 0..=4095 (`<tag id='42'/>`). Read in decimal, as libvirt does
    /// (`010` is 10).
    VlanTag, u16, 4095, IdErrorKind::VlanTagRange, parse_decimal, None
);

/// A unicast Ethernet MAC address (`<mac address='52:54:00:6d:90:02'/>`).
///
/// Parsing accepts one- or two-digit groups in either case; display is lowercase two-digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddr([u8; 6]);

impl MacAddr {
    /// Builds an address from octets, refusing multicast ones.
    pub fn new(octets: [u8; 6]) -> Result<Self, IdError> {
        let m = MacAddr(octets);
        if octets[0] & 1 == 1 {
            return Err(IdError::new(IdErrorKind::MacMulticast, &m.to_string()));
        }
        Ok(m)
    }

    /// The six octets.
    pub fn octets(self) -> [u8; 6] {
        self.0
    }
}

impl FromStr for MacAddr {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        // Six groups of one or two hex digits separated by ':'.
        let syntax = || IdError::new(IdErrorKind::MacSyntax, s);
        let mut out = [0u8; 6];
        let (mut n, mut digits) = (0usize, 0u8);
        for &b in s.as_bytes() {
            if b == b':' {
                if digits == 0 || n == 5 {
                    return Err(syntax());
                }
                n += 1;
                digits = 0;
                continue;
            }
            let Some(v) = hex_value(b) else {
                return Err(syntax());
            };
            if digits == 2 {
                return Err(syntax());
            }
            out[n] = out[n] << 4 | v;
            digits += 1;
        }
        if n != 5 || digits == 0 {
            return Err(syntax());
        }
        if out[0] & 1 == 1 {
            return Err(IdError::new(IdErrorKind::MacMulticast, s));
        }
        Ok(MacAddr(out))
    }
}

/// The value of a hex digit.
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            o[0], o[1], o[2], o[3], o[4], o[5]
        )
    }
}
impl MacAddr {
    /// The spec (JSON/YAML) form: what the XML reader takes.
    pub fn from_spec_str(s: &str) -> Result<Self, IdError> {
        s.parse()
    }
}
serde_via_str!(
    MacAddr,
    "MacAddr",
    "^[0-9a-fA-F]?[02468aAcCeE](:[0-9a-fA-F]{1,2}){5}$",
    "unicast mac address, e.g. 52:54:00:6d:90:02"
);

/// A UUID as libvirt reads it (dashes optional, any case) and writes it (lowercase, dashed).
/// Used for 802.1Qbg `instanceid`, openvswitch/midonet `interfaceid` and network `portid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid(uuid::Uuid);

impl Uuid {
    /// Wraps a UUID.
    pub fn from_uuid(u: uuid::Uuid) -> Self {
        Uuid(u)
    }

    /// The inner UUID.
    pub fn get(self) -> uuid::Uuid {
        self.0
    }
}

impl FromStr for Uuid {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        // libvirt accepts 32 hex digits with dashes anywhere between pairs; normalise by
        // dropping dashes and requiring exactly 32 hex digits.
        let err = || IdError::new(IdErrorKind::UuidSyntax, s);
        if s.starts_with('-') {
            return Err(err());
        }
        let (mut v, mut n) = (0u128, 0usize);
        for &b in s.as_bytes() {
            if b == b'-' {
                continue;
            }
            let d = hex_value(b).ok_or_else(err)?;
            if n == 32 {
                return Err(err());
            }
            v = v << 4 | u128::from(d);
            n += 1;
        }
        if n != 32 {
            return Err(err());
        }
        Ok(Uuid(uuid::Uuid::from_u128(v)))
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}
impl Uuid {
    /// The spec (JSON/YAML) form: 32 hex digits, bare or 8-4-4-4-12 (libvirt's schema).
    pub fn from_spec_str(s: &str) -> Result<Self, IdError> {
        let canonical = {
            let b = s.as_bytes();
            let hex = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_hexdigit);
            (b.len() == 32 && hex(0..32))
                || (b.len() == 36
                    && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
                    && hex(0..8)
                    && hex(9..13)
                    && hex(14..18)
                    && hex(19..23)
                    && hex(24..36))
        };
        if !canonical {
            return Err(IdError::new(IdErrorKind::UuidSyntax, s));
        }
        s.parse()
    }
}
serde_via_str!(
    Uuid,
    "Uuid",
    "^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$",
    "uuid, 32 hex digits bare or as 8-4-4-4-12"
);

/// An 802.1Qbh / openvswitch port profile id: 1 to 39 bytes
/// (`<parameters profileid='finance'/>`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileId(SmolStr);

impl ProfileId {
    /// Longest accepted profile id, in bytes.
    pub const MAX_LEN: usize = 39;

    /// Builds a profile id, refusing empty or over-long values.
    pub fn new(s: &str) -> Result<Self, IdError> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(IdError::new(IdErrorKind::ProfileIdLength, s));
        }
        Ok(ProfileId(SmolStr::new(s)))
    }

    /// The profile id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ProfileId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        ProfileId::new(s)
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl ProfileId {
    /// The spec (JSON/YAML) form: 1 to 39 printable ASCII characters.
    pub fn from_spec_str(s: &str) -> Result<Self, IdError> {
        if !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(IdError::new(IdErrorKind::ProfileIdLength, s));
        }
        ProfileId::new(s)
    }
}
serde_via_str!(
    ProfileId,
    "ProfileId",
    "^[ -~]{1,39}$",
    "port profile name, 1 to 39 printable ascii characters"
);

/// A host device or interface name as libvirt's schema allows it: non-empty, characters from
/// `[a-zA-Z0-9_.\-\\:/]` (`<source dev='eth0'/>`, `<target dev='tap0'/>`).
///
/// Kernel limits (15 bytes, reserved prefixes) are validation rules, not part of the type,
/// because libvirt itself accepts and writes such names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceName(SmolStr);

impl DeviceName {
    /// Builds a device name, refusing empty names and characters the schema does not allow.
    pub fn new(s: &str) -> Result<Self, IdError> {
        let ok = |b: u8| b.is_ascii_alphanumeric() || b"_.-\\:/".contains(&b);
        if s.is_empty() || !s.bytes().all(ok) {
            return Err(IdError::new(IdErrorKind::DeviceNameSyntax, s));
        }
        Ok(DeviceName(SmolStr::new(s)))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DeviceName {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        DeviceName::new(s)
    }
}

impl fmt::Display for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl DeviceName {
    /// The spec (JSON/YAML) form: what the XML reader takes.
    pub fn from_spec_str(s: &str) -> Result<Self, IdError> {
        DeviceName::new(s)
    }
}
serde_via_str!(
    DeviceName,
    "DeviceName",
    "^[a-zA-Z0-9_.\\\\:/-]+$",
    "host device name: letters, digits and _ . - \\ : /"
);

/// A host PCI address (`<address type='pci' domain='0x0000' bus='0x03' slot='0x00'
/// function='0x1'/>`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PciAddress {
    /// PCI domain, 0..=0xFFFFFFFF (Intel VMD puts devices in domains above 0xFFFF).
    #[serde(default, deserialize_with = "de_pci_domain")]
    #[schemars(schema_with = "pci_domain_schema")]
    pub domain: u32,
    /// PCI bus, 0..=0xFF.
    #[serde(deserialize_with = "de_pci_bus")]
    #[schemars(schema_with = "pci_bus_schema")]
    pub bus: u8,
    /// PCI slot, 0..=0x1F.
    #[serde(deserialize_with = "de_pci_slot")]
    #[schemars(schema_with = "pci_slot_schema")]
    pub slot: u8,
    /// PCI function, 0..=7.
    #[serde(deserialize_with = "de_pci_function")]
    #[schemars(schema_with = "pci_function_schema")]
    pub function: u8,
}

fn pci_part_schema(max: u64, pattern: &str) -> Schema {
    json_schema!({
        "type": ["integer", "string"],
        "minimum": 0,
        "maximum": max,
        "pattern": pattern,
    })
}
pub(crate) fn pci_domain_schema(_: &mut SchemaGenerator) -> Schema {
    pci_part_schema(PciAddress::DOMAIN_MAX, "^0[xX]0*[0-9a-fA-F]{1,8}$")
}
pub(crate) fn pci_bus_schema(_: &mut SchemaGenerator) -> Schema {
    pci_part_schema(PciAddress::BUS_MAX, "^0[xX]0*[0-9a-fA-F]{1,2}$")
}
pub(crate) fn pci_slot_schema(_: &mut SchemaGenerator) -> Schema {
    pci_part_schema(PciAddress::SLOT_MAX, "^0[xX]0*[01]?[0-9a-fA-F]$")
}
pub(crate) fn pci_function_schema(_: &mut SchemaGenerator) -> Schema {
    pci_part_schema(PciAddress::FUNCTION_MAX, "^0[xX]0*[0-7]$")
}

impl PciAddress {
    /// Largest PCI domain (Intel VMD puts devices in domains above 0xFFFF).
    pub const DOMAIN_MAX: u64 = 0xFFFF_FFFF;
    /// Largest PCI bus.
    pub const BUS_MAX: u64 = 0xFF;
    /// Largest PCI slot.
    pub const SLOT_MAX: u64 = 0x1F;
    /// Largest PCI function.
    pub const FUNCTION_MAX: u64 = 7;

    /// The largest value of the part a range error names (the function's for any other kind).
    pub const fn max_of(kind: IdErrorKind) -> u64 {
        match kind {
            IdErrorKind::PciDomainRange => Self::DOMAIN_MAX,
            IdErrorKind::PciBusRange => Self::BUS_MAX,
            IdErrorKind::PciSlotRange => Self::SLOT_MAX,
            _ => Self::FUNCTION_MAX,
        }
    }

    /// Builds an address, checking each part's range.
    pub fn new(domain: u64, bus: u64, slot: u64, function: u64) -> Result<Self, IdError> {
        let part = |v, kind| check_pci(v, Self::max_of(kind), kind);
        Ok(PciAddress {
            domain: part(domain, IdErrorKind::PciDomainRange)? as u32,
            bus: part(bus, IdErrorKind::PciBusRange)? as u8,
            slot: part(slot, IdErrorKind::PciSlotRange)? as u8,
            function: part(function, IdErrorKind::PciFunctionRange)? as u8,
        })
    }

    /// Checks one part given as text (any base libvirt reads) against its range.
    pub fn parse_part(kind: IdErrorKind, s: &str) -> Result<u64, IdError> {
        let max = Self::max_of(kind);
        let v = parse_base0(s)?;
        check_pci(v, max, kind).map_err(|e| IdError {
            value: s.to_owned(),
            ..e
        })
    }
}

impl fmt::Display for PciAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04x}:{:02x}:{:02x}.{:x}",
            self.domain, self.bus, self.slot, self.function
        )
    }
}

fn check_pci(v: u64, max: u64, kind: IdErrorKind) -> Result<u64, IdError> {
    if v > max {
        return Err(IdError::new(kind, &format!("{v:#x}")));
    }
    Ok(v)
}

fn de_pci_part<'de, D: Deserializer<'de>>(d: D, kind: IdErrorKind) -> Result<u64, D::Error> {
    let max = PciAddress::max_of(kind);
    match NumOrStr::deserialize(d)? {
        NumOrStr::Num(n) => check_pci(n, max, kind).map_err(serde::de::Error::custom),
        NumOrStr::Str(s) if is_hex_literal(&s) => {
            PciAddress::parse_part(kind, &s).map_err(serde::de::Error::custom)
        }
        NumOrStr::Str(s) => Err(serde::de::Error::custom(format!(
            "'{s}': expected a number or a 0x hex string"
        ))),
    }
}

pub(crate) fn de_pci_domain<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    de_pci_part(d, IdErrorKind::PciDomainRange).map(|v| v as u32)
}

pub(crate) fn de_pci_bus<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    de_pci_part(d, IdErrorKind::PciBusRange).map(|v| v as u8)
}
pub(crate) fn de_pci_slot<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    de_pci_part(d, IdErrorKind::PciSlotRange).map(|v| v as u8)
}
pub(crate) fn de_pci_function<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    de_pci_part(d, IdErrorKind::PciFunctionRange).map(|v| v as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind<T: FromStr<Err = IdError> + fmt::Debug>(s: &str) -> IdErrorKind {
        let e = s.parse::<T>().unwrap_err();
        assert_eq!(e.value, s, "error keeps the rejected value");
        e.kind
    }

    #[test]
    fn base0_numbers() {
        let table: &[(&str, Option<u64>)] = &[
            ("0", Some(0)),
            ("10", Some(10)),
            ("0x10", Some(16)),
            ("0X1f", Some(31)),
            ("010", Some(8)),
            ("00", Some(0)),
            ("08", None),
            ("0x", None),
            ("", None),
            ("-1", None),
            ("+1", Some(1)),
            (" 1", Some(1)),
            (" +0x10", Some(16)),
            ("++1", None),
            ("+-1", None),
            ("1 ", None),
            ("1a", None),
            ("99999999999999999999999", None),
            ("0xffffffffffffffff", Some(u64::MAX)),
            ("0x10000000000000000", None),
            ("01777777777777777777777", Some(u64::MAX)),
        ];
        for (s, want) in table {
            assert_eq!(parse_base0(s).ok(), *want, "{s:?}");
        }
        for (s, want) in [
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("007", Some(7)),
            ("0x7", None),
            ("+7", Some(7)),
            ("\t7", Some(7)),
            ("7\t", None),
            ("", None),
            ("+", None),
        ] {
            assert_eq!(parse_decimal(s).ok(), want, "{s:?}");
        }
    }

    #[test]
    fn manager_id_table() {
        for (s, v) in [
            ("0", 0),
            ("255", 255),
            ("0xff", 255),
            ("0377", 255),
            ("11", 11),
        ] {
            assert_eq!(s.parse::<VsiManagerId>().unwrap().get(), v, "{s}");
        }
        assert_eq!(kind::<VsiManagerId>("256"), IdErrorKind::ManagerIdRange);
        assert_eq!(kind::<VsiManagerId>("0x100"), IdErrorKind::ManagerIdRange);
        assert_eq!(kind::<VsiManagerId>("-1"), IdErrorKind::NumberSyntax);
        assert_eq!(kind::<VsiManagerId>("abc"), IdErrorKind::NumberSyntax);
    }

    #[test]
    fn type_id_table() {
        for (s, v) in [("0", 0), ("16777215", 0xFF_FFFF), ("0xffffff", 0xFF_FFFF)] {
            assert_eq!(s.parse::<VsiTypeId>().unwrap().get(), v, "{s}");
        }
        assert_eq!(kind::<VsiTypeId>("16777216"), IdErrorKind::TypeIdRange);
        assert_eq!(kind::<VsiTypeId>("0x1000000"), IdErrorKind::TypeIdRange);
        assert_eq!(kind::<VsiTypeId>("1.5"), IdErrorKind::NumberSyntax);
    }

    #[test]
    fn type_id_version_table() {
        assert_eq!("255".parse::<VsiTypeIdVersion>().unwrap().get(), 255);
        assert_eq!("0".parse::<VsiTypeIdVersion>().unwrap().get(), 0);
        assert_eq!(
            kind::<VsiTypeIdVersion>("256"),
            IdErrorKind::TypeIdVersionRange
        );
    }

    #[test]
    fn vlan_tag_table() {
        assert_eq!("4095".parse::<VlanTag>().unwrap().get(), 4095);
        assert_eq!(
            "010".parse::<VlanTag>().unwrap().get(),
            10,
            "decimal, like libvirt"
        );
        assert_eq!(kind::<VlanTag>("0x10"), IdErrorKind::NumberSyntax);
        assert_eq!("0".parse::<VlanTag>().unwrap().get(), 0);
        assert_eq!(kind::<VlanTag>("4096"), IdErrorKind::VlanTagRange);
        assert_eq!(
            VlanTag::new(4096).unwrap_err().kind,
            IdErrorKind::VlanTagRange
        );
    }

    #[test]
    fn mac_table() {
        for (s, canon) in [
            ("52:54:00:6d:90:02", "52:54:00:6d:90:02"),
            ("52:54:00:6D:90:02", "52:54:00:6d:90:02"),
            ("2:0:0:0:0:1", "02:00:00:00:00:01"),
            ("00:00:00:00:00:00", "00:00:00:00:00:00"),
        ] {
            assert_eq!(s.parse::<MacAddr>().unwrap().to_string(), canon);
        }
        for s in [
            "",
            "52:54:00:6d:90",
            "52:54:00:6d:90:02:03",
            "52:54:00:6d:90:",
            "52-54-00-6d-90-02",
            "52:54:00:6d:90:002",
            "52:54:00:6g:90:02",
            ":54:00:6d:90:02",
            "52::00:6d:90:02",
            "52:54:00:6d:90:02:",
            "+2:54:00:6d:90:02",
            "52:54:00:6d:90:0 ",
            ":::::",
        ] {
            assert_eq!(kind::<MacAddr>(s), IdErrorKind::MacSyntax, "{s}");
        }
        assert_eq!(
            kind::<MacAddr>("01:00:5e:00:00:01"),
            IdErrorKind::MacMulticast
        );
        assert_eq!(
            kind::<MacAddr>("ff:ff:ff:ff:ff:ff"),
            IdErrorKind::MacMulticast
        );
        assert_eq!(
            MacAddr::new([1, 0, 0, 0, 0, 0]).unwrap_err().kind,
            IdErrorKind::MacMulticast
        );
    }

    #[test]
    fn uuid_table() {
        let canon = "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f";
        for s in [
            canon,
            "09B11C53-8B5C-4EEB-8F00-D84EAA0AAA4F",
            "09b11c538b5c4eeb8f00d84eaa0aaa4f",
        ] {
            assert_eq!(s.parse::<Uuid>().unwrap().to_string(), canon);
        }
        for s in [
            "",
            "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4",
            "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4ff",
            "-09b11c538b5c4eeb8f00d84eaa0aaa4f",
            "{09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f}",
            "urn:uuid:09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f",
            "zzb11c53-8b5c-4eeb-8f00-d84eaa0aaa4f",
        ] {
            assert_eq!(kind::<Uuid>(s), IdErrorKind::UuidSyntax, "{s}");
        }
    }

    #[test]
    fn profile_id_table() {
        assert_eq!("a".parse::<ProfileId>().unwrap().as_str(), "a");
        let max = "x".repeat(39);
        assert_eq!(max.parse::<ProfileId>().unwrap().as_str(), max);
        assert_eq!(kind::<ProfileId>(""), IdErrorKind::ProfileIdLength);
        assert_eq!(
            kind::<ProfileId>(&"x".repeat(40)),
            IdErrorKind::ProfileIdLength
        );
    }

    #[test]
    fn device_name_table() {
        for s in [
            "eth0",
            "br-int",
            "ens1f0.100",
            "vhost-vdpa-0",
            "/dev/vhost-vdpa-0",
            "a:b",
        ] {
            assert_eq!(s.parse::<DeviceName>().unwrap().as_str(), s);
        }
        for s in ["", "a b", "a'b", "tap<0>", "é", "a\nb"] {
            assert_eq!(
                kind::<DeviceName>(s),
                IdErrorKind::DeviceNameSyntax,
                "{s:?}"
            );
        }
    }

    #[test]
    fn pci_table() {
        let a = PciAddress::new(0, 3, 0x1f, 7).unwrap();
        assert_eq!(a.to_string(), "0000:03:1f.7");
        assert_eq!(PciAddress::new(0x10000, 0, 0, 0).unwrap().domain, 0x10000);
        assert_eq!(
            PciAddress::new(0x1_0000_0000, 0, 0, 0).unwrap_err().kind,
            IdErrorKind::PciDomainRange
        );
        assert_eq!(
            PciAddress::new(0, 0x100, 0, 0).unwrap_err().kind,
            IdErrorKind::PciBusRange
        );
        assert_eq!(
            PciAddress::new(0, 0, 0x20, 0).unwrap_err().kind,
            IdErrorKind::PciSlotRange
        );
        assert_eq!(
            PciAddress::new(0, 0, 0, 8).unwrap_err().kind,
            IdErrorKind::PciFunctionRange
        );
        assert_eq!(
            PciAddress::parse_part(IdErrorKind::PciSlotRange, "0x20")
                .unwrap_err()
                .value,
            "0x20"
        );
        assert_eq!(
            PciAddress::parse_part(IdErrorKind::PciBusRange, "0x03").unwrap(),
            3
        );
    }

    #[test]
    fn serde_accepts_numbers_and_strings() {
        assert!(
            serde_json::from_str::<VsiTypeId>("\"16\"").is_err(),
            "strings are 0x hex"
        );
        assert!(
            serde_json::from_str::<VlanTag>("\"0x10\"").is_err(),
            "vlan ids are numbers"
        );
        let v: VsiTypeId = serde_json::from_str("\"0x10\"").unwrap();
        assert_eq!(v.get(), 16);
        let v: VsiTypeId = serde_json::from_str("16").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "16");
        assert!(serde_json::from_str::<VsiTypeId>("16777216").is_err());
        let p: PciAddress =
            serde_json::from_str(r#"{"bus":"0x03","slot":0,"function":1}"#).unwrap();
        assert_eq!(p, PciAddress::new(0, 3, 0, 1).unwrap());
        assert!(serde_json::from_str::<PciAddress>(r#"{"bus":0,"slot":32,"function":0}"#).is_err());
    }
}
