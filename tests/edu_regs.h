/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu PCI device: its VFIO cdev and registers, for the tests and
 * the fuzzer that make it do real DMA behind the emulated SMMUv3
 * (hw/misc/edu.c, docs/specs/edu.rst). No test harness here.
 * BAR0 registers: 0x00 id (0x010000ed), 0x24 IRQ status, 0x64 IRQ ack
 * (32-bit accesses only below 0x80), 0x80 DMA source, 0x88 destination,
 * 0x90 count, 0x98 command: bit0 start (reads 1 while busy), bit1
 * direction (1: edu buffer to RAM), bit2 raise IRQ 0x100 when done. The
 * edu buffer is the 4 KiB at device address 0x40000. A transfer runs
 * 100 ms (virtual) after the start; DMA addresses are masked to edu's
 * dma_mask (28 bits by default: keep every IOVA below 256 MiB). A failed
 * DMA is silent on the edu side: only the data and the SMMU tell.
 */
#ifndef VIOMMU_TEST_EDU_REGS_H
#define VIOMMU_TEST_EDU_REGS_H

#define EDU_CDEV "/dev/vfio/devices/vfio0"

#define EDU_REG_ID		0x00
#define EDU_ID			0x010000ed
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_START		0x1
#define EDU_DMA_TO_RAM		0x2
#define EDU_DMA_IRQ		0x4
#define EDU_IRQ_DMA		0x100
#define EDU_BUF			0x40000ULL
#define EDU_BUF_SIZE		4096

/* PCI command register: memory space and bus master */
#define EDU_PCI_COMMAND		0x04
#define EDU_PCI_COMMAND_MEMORY	0x2
#define EDU_PCI_COMMAND_MASTER	0x4

#endif /* VIOMMU_TEST_EDU_REGS_H */
