//! vhost-user interfaces: the guest model, the socket path and mode, reconnection
//! (`vhostuser.model`, `vhostuser.path`, `vhostuser.mode`, `vhostuser.reconnect`).

use super::common::is_virtio_model;
use super::Checker;
use crate::model::kind::{InterfaceKind, VhostUserMode};

impl Checker<'_> {
    pub(super) fn vhostuser(&mut self) {
        let InterfaceKind::VhostUser(v) = &self.i.kind else {
            return;
        };
        let passt = self.passt();
        let virtio = match self.i.model.as_deref() {
            Some(m) => is_virtio_model(Some(m)),
            // A passt-backed vhost-user interface gets virtio by default (libvirt 11).
            None => passt,
        };
        if !virtio {
            self.err(
                "vhostuser.model",
                "model",
                "vhost-user needs <model type='virtio'/>: libvirt refuses other guest models"
                    .into(),
            );
        }
        if passt {
            return;
        }
        match &v.path {
            None => self.err(
                "vhostuser.path",
                "source",
                "vhost-user needs a unix socket path on <source>".into(),
            ),
            Some(p) if !p.starts_with('/') => self.err(
                "vhostuser.path",
                "source/@path",
                format!("socket path '{p}' is relative: expected an absolute path"),
            ),
            Some(_) => {}
        }
        match v.mode {
            None => self.err(
                "vhostuser.mode",
                "source",
                "vhost-user needs mode='client' or mode='server' on <source>".into(),
            ),
            Some(VhostUserMode::Server) if v.reconnect.is_some() => self.err(
                "vhostuser.reconnect",
                "source/reconnect",
                "reconnect only applies to mode='client': a server socket waits for the switch"
                    .into(),
            ),
            Some(_) => {}
        }
        if let Some(r) = v.reconnect {
            if r.enabled && r.timeout.is_none() {
                self.err(
                    "vhostuser.reconnect",
                    "source/reconnect",
                    "reconnect enabled='yes' needs timeout='SECONDS': libvirt refuses it without"
                        .into(),
                );
            }
        }
    }
}
