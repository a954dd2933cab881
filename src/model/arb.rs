//! `arbitrary::Arbitrary` for the model (feature `arbitrary`), for fuzzing and property tests.
//!
//! Identifier newtypes are generated through their constructors, so every value is one the
//! model can hold. Extras are left empty: free-form kept content is exercised by the XML-level
//! fuzz targets instead, which read it from real markup.

use arbitrary::{Arbitrary, Result, Unstructured};

use super::extras::Extras;
use super::ids::{
    DeviceName, MacAddr, PciAddress, ProfileId, Uuid, VlanTag, VsiManagerId, VsiTypeId,
    VsiTypeIdVersion,
};
use super::interface::{DeviceAddress, FilterParameter, FilterRef, GuestPciAddress};
use super::kind::OtherKind;

fn bounded(u: &mut Unstructured<'_>, max: u64) -> Result<u64> {
    u.int_in_range(0..=max)
}

macro_rules! arb_bounded {
    ($($t:ty),*) => {$(
        impl<'a> Arbitrary<'a> for $t {
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                <$t>::new(bounded(u, <$t>::MAX as u64)?)
                    .map_err(|_| arbitrary::Error::IncorrectFormat)
            }
        }
    )*};
}
arb_bounded!(VsiManagerId, VsiTypeId, VsiTypeIdVersion, VlanTag);

impl<'a> Arbitrary<'a> for MacAddr {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut o: [u8; 6] = u.arbitrary()?;
        o[0] &= 0xFE;
        MacAddr::new(o).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a> Arbitrary<'a> for Uuid {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let b: [u8; 16] = u.arbitrary()?;
        Ok(Uuid::from_uuid(uuid::Uuid::from_bytes(b)))
    }
}

impl<'a> Arbitrary<'a> for ProfileId {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let s: String = u.arbitrary()?;
        let mut end = s.len().min(ProfileId::MAX_LEN);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let t = if end == 0 { "p" } else { &s[..end] };
        ProfileId::new(t).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a> Arbitrary<'a> for DeviceName {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const CHARS: &[u8] =
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-\\:/";
        let len = u.int_in_range(1..=20)?;
        let mut s = String::with_capacity(len);
        for _ in 0..len {
            s.push(char::from(*u.choose(CHARS)?));
        }
        DeviceName::new(&s).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a> Arbitrary<'a> for PciAddress {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        PciAddress::new(
            bounded(u, PciAddress::DOMAIN_MAX)?,
            bounded(u, PciAddress::BUS_MAX)?,
            bounded(u, PciAddress::SLOT_MAX)?,
            bounded(u, PciAddress::FUNCTION_MAX)?,
        )
        .map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

impl<'a> Arbitrary<'a> for GuestPciAddress {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let p = PciAddress::arbitrary(u)?;
        Ok(GuestPciAddress {
            domain: p.domain,
            bus: p.bus,
            slot: p.slot,
            function: p.function,
            multifunction: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for OtherKind {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const TYPES: &[&str] = &[
            "mcast", "udp", "server", "client", "internal", "null", "vds",
        ];
        Ok(OtherKind {
            type_name: (*u.choose(TYPES)?).into(),
        })
    }
}

impl<'a> Arbitrary<'a> for FilterRef {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut parameters: Vec<FilterParameter> = u.arbitrary()?;
        // The model keeps them sorted by name, as libvirt does.
        parameters.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(FilterRef {
            filter: u.arbitrary()?,
            parameters,
        })
    }
}

impl<'a> Arbitrary<'a> for FilterParameter {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(FilterParameter {
            name: u.arbitrary()?,
            value: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for DeviceAddress {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const OTHER: &[&str] = &["ccw", "virtio-mmio", "spapr-vio", "isa", "unassigned"];
        if u.arbitrary()? {
            Ok(DeviceAddress::Pci(u.arbitrary()?))
        } else {
            Ok(DeviceAddress::Other {
                address_type: (*u.choose(OTHER)?).to_owned(),
            })
        }
    }
}

impl<'a> Arbitrary<'a> for Extras {
    fn arbitrary(_: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Extras::default())
    }
}
