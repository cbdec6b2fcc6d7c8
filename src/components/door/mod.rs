//! The door page's parts: what the device keeps ([`device`]: settings, the
//! offline kit, the queue and what it let in, in localStorage), the check a
//! door makes with no network ([`offline`]), and the answer that fills the
//! screen ([`answer`]).

pub mod answer;
pub mod device;
pub mod offline;
