/* vdso_blob.S — the built vDSO image (LX_VDSO_IMAGE, from vdso_image.c), as bytes
 * in lxrun: ldso/vdso.c copies it into each guest process. */
    .section .rodata
    .balign 64
    .globl lx_vdso_image, lx_vdso_image_end
lx_vdso_image:
    .incbin LX_VDSO_IMAGE
lx_vdso_image_end:
    .section .note.GNU-stack,"",@progbits
