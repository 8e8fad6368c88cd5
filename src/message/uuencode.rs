//! uuencoded blocks inside text parts (placeholder).
