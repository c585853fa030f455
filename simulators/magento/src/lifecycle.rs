//! The order lifecycle (reference §8.3, §7.6): invoice, ship, refund, cancel, hold,
//! unhold, comments and the raw order save, with Magento's state resolver and the
//! inventory each step moves. Not yet implemented.
