/* The ABI layout of the current headers in include/routemap. */
#define ABI_LAYOUT_NAME abi_now_layout
#include "abi_layout.inc"
