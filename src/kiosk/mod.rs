//! (kiosk: being written)
