//! The typed model: no XML names beyond what the docs show, no I/O.

pub mod extras;
pub mod ids;
pub mod interface;
pub mod kind;
pub mod virtualport;

pub use extras::{ExtraAttribute, ExtraNode, Extras, RawXml, XmlName};
pub use interface::{
    Backend, Bandwidth, Coalesce, DeviceAddress, Driver, FilterParameter, FilterRef, GuestOffloads,
    GuestPciAddress, HostOffloads, Interface, LinkState, NativeMode, Rate, Rom, Target, Teaming,
    TeamingType, Vlan, VlanTagSpec,
};
pub use kind::InterfaceKind;
pub use virtualport::VirtualPort;
