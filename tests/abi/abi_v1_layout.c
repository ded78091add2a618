/* The ABI layout of the frozen v1 headers (built with -I tests/abi/v1). */
#define ABI_LAYOUT_NAME abi_v1_layout
#include "abi_layout.inc"
