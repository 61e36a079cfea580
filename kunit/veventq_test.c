// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the vEVENTQ ring: sequence numbers, the lost-events
 * marker, whole-record reads into real user memory, and the per-type
 * lookup of viommu_report_event(), on a vIOMMU built by the test.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include "test_util.h"
#include "veventq.h"

#define HDR_LEN sizeof(struct viommu_vevent_header)
#define EVT_LEN sizeof(struct viommu_vevent_arm_smmuv3)
#define REC_LEN (HDR_LEN + EVT_LEN)

/* One record as read() lays it out for the ARM_SMMUV3 type. */
struct veventq_test_rec {
	struct viommu_vevent_header hdr;
	struct viommu_vevent_arm_smmuv3 evt;
};

static struct viommu *veventq_test_viommu(struct kunit *test)
{
	struct viommu *viommu = kunit_kzalloc(test, sizeof(*viommu),
					      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, viommu);
	refcount_set(&viommu->obj.users, 1);
	viommu->obj.type = VIOMMU_OBJ_VIOMMU;
	xa_init(&viommu->vdevs);
	INIT_LIST_HEAD(&viommu->veventqs);
	init_rwsem(&viommu->veventqs_rwsem);
	return viommu;
}

/* What viommu_veventq_destroy() does, for a queue still linked. */
static void veventq_test_unlink(void *data)
{
	struct viommu_veventq *veventq = data;
	struct viommu *viommu = veventq->viommu;

	if (list_empty(&veventq->node))
		return;
	down_write(&viommu->veventqs_rwsem);
	viommu_veventq_unlink(veventq);
	up_write(&viommu->veventqs_rwsem);
	refcount_dec(&viommu->obj.users);
}

/* A vEVENTQ, unlinked and its events freed when the test ends. */
static int veventq_test_add(struct kunit *test, struct viommu *viommu,
			    u32 type, u32 depth,
			    struct viommu_veventq **out)
{
	struct viommu_veventq *veventq;
	int rc;

	veventq = kunit_kzalloc(test, sizeof(*veventq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, veventq);
	veventq->obj.type = VIOMMU_OBJ_VEVENTQ;
	refcount_set(&veventq->obj.users, 1);
	viommu_veventq_init(veventq, type, depth);

	down_write(&viommu->veventqs_rwsem);
	rc = viommu_veventq_link(viommu, veventq);
	up_write(&viommu->veventqs_rwsem);
	if (!rc)
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  veventq_test_unlink,
							  veventq));
	*out = veventq;
	return rc;
}

static struct viommu_veventq *veventq_test_queue(struct kunit *test,
						 u32 depth)
{
	struct viommu_veventq *veventq;

	KUNIT_ASSERT_EQ(test, 0,
			veventq_test_add(test, veventq_test_viommu(test),
					 VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, depth,
					 &veventq));
	return veventq;
}

/* Report an event whose four words are all @tag. */
static int veventq_test_report(struct viommu_veventq *veventq, u64 tag)
{
	struct viommu_vevent_arm_smmuv3 evt;
	int i;

	for (i = 0; i < ARRAY_SIZE(evt.evt); i++)
		evt.evt[i] = cpu_to_le64(tag);
	return viommu_veventq_report(veventq, &evt, sizeof(evt));
}

static ssize_t veventq_test_read(struct viommu_veventq *veventq,
				 void __user *ubuf, size_t count)
{
	loff_t pos = 0;

	return viommu_veventq_read(veventq, ubuf, count, &pos);
}

/* Read @count bytes of records and copy them back into @recs. */
static ssize_t veventq_test_read_back(struct kunit *test,
				      struct viommu_veventq *veventq,
				      void __user *ubuf, size_t count,
				      void *recs)
{
	ssize_t rc;

	KUNIT_ASSERT_LE(test, count, PAGE_SIZE);
	rc = veventq_test_read(veventq, ubuf, count);
	if (rc > 0)
		KUNIT_ASSERT_EQ(test, 0, copy_from_user(recs, ubuf, rc));
	return rc;
}

static void veventq_expect_event(struct kunit *test,
				 const struct veventq_test_rec *rec,
				 u32 sequence, u64 tag)
{
	int i;

	KUNIT_EXPECT_EQ(test, 0, rec->hdr.flags);
	KUNIT_EXPECT_EQ(test, sequence, rec->hdr.sequence);
	for (i = 0; i < ARRAY_SIZE(rec->evt.evt); i++)
		KUNIT_EXPECT_EQ(test, tag, le64_to_cpu(rec->evt.evt[i]));
}

static void veventq_expect_lost(struct kunit *test,
				const struct viommu_vevent_header *hdr,
				u32 sequence)
{
	KUNIT_EXPECT_EQ(test, VIOMMU_VEVENTQ_FLAG_LOST_EVENTS, hdr->flags);
	KUNIT_EXPECT_EQ(test, sequence, hdr->sequence);
}

static void veventq_sequence_increments_and_wraps(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 4);
	struct veventq_test_rec recs[2];

	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0xa));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0xb));
	KUNIT_ASSERT_EQ(test, 2 * REC_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       sizeof(recs), recs));
	veventq_expect_event(test, &recs[0], 0, 0xa);
	veventq_expect_event(test, &recs[1], 1, 0xb);

	/* The sequence stays in [0, INT_MAX]: INT_MAX is followed by 0. */
	spin_lock(&veventq->lock);
	veventq->sequence = INT_MAX;
	spin_unlock(&veventq->lock);
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0xc));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0xd));
	KUNIT_ASSERT_EQ(test, 2 * REC_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       sizeof(recs), recs));
	veventq_expect_event(test, &recs[0], INT_MAX, 0xc);
	veventq_expect_event(test, &recs[1], 0, 0xd);
	KUNIT_EXPECT_EQ(test, 1, veventq->sequence);
}

static void veventq_full_queue_keeps_one_marker(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 1);
	struct {
		struct veventq_test_rec rec;
		struct viommu_vevent_header lost;
	} out;

	/* A full queue still says 0, as upstream: the loss shows in the queue. */
	KUNIT_EXPECT_EQ(test, 0, veventq_test_report(veventq, 1));
	KUNIT_EXPECT_EQ(test, 0, veventq_test_report(veventq, 2));
	KUNIT_EXPECT_EQ(test, 0, veventq_test_report(veventq, 3));
	KUNIT_EXPECT_EQ(test, 1, veventq->num_events);

	/* One real event and one marker, which took the last sequence. */
	KUNIT_ASSERT_EQ(test, REC_LEN + HDR_LEN,
			veventq_test_read_back(test, veventq, ubuf, PAGE_SIZE,
					       &out));
	veventq_expect_event(test, &out.rec, 0, 1);
	veventq_expect_lost(test, &out.lost, 2);
	KUNIT_EXPECT_EQ(test, 0, veventq->num_events);
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));

	/* After the drain a new event follows with the next sequence. */
	KUNIT_EXPECT_EQ(test, 0, veventq_test_report(veventq, 4));
	KUNIT_ASSERT_EQ(test, REC_LEN,
			veventq_test_read_back(test, veventq, ubuf, PAGE_SIZE,
					       &out));
	veventq_expect_event(test, &out.rec, 3, 4);
}

static void veventq_later_event_replaces_marker(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 2);
	struct veventq_test_rec recs[3];

	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 1));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 2));
	KUNIT_ASSERT_TRUE(test,
			  list_is_last(&veventq->lost_events_header.node,
				       &veventq->deliver));

	/* Make room for one event; it takes the marker's place at the tail. */
	KUNIT_ASSERT_EQ(test, REC_LEN,
			veventq_test_read_back(test, veventq, ubuf, REC_LEN,
					       recs));
	veventq_expect_event(test, &recs[0], 0, 0);
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 3));
	KUNIT_EXPECT_TRUE(test, list_empty(&veventq->lost_events_header.node));

	/* No marker left; the gap 1 -> 3 says one event was lost. */
	KUNIT_ASSERT_EQ(test, 2 * REC_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       sizeof(recs), recs));
	veventq_expect_event(test, &recs[0], 1, 1);
	veventq_expect_event(test, &recs[1], 3, 3);
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));
}

static void veventq_read_rejects_small_buffers(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 2);
	struct veventq_test_rec rec;
	loff_t pos = 1;

	/* Checked before the queue is looked at: empty or not. */
	KUNIT_EXPECT_EQ(test, -EINVAL, veventq_test_read(veventq, ubuf, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			veventq_test_read(veventq, ubuf, HDR_LEN - 1));
	KUNIT_EXPECT_EQ(test, -ESPIPE,
			viommu_veventq_read(veventq, ubuf, PAGE_SIZE, &pos));
	/* An empty queue reads 0 bytes at once. */
	KUNIT_EXPECT_EQ(test, 0, veventq_test_read(veventq, ubuf, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));

	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 7));
	KUNIT_EXPECT_TRUE(test, viommu_veventq_pending(veventq));
	/* Room for the header alone, or all but one byte: EINVAL. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			veventq_test_read(veventq, ubuf, HDR_LEN));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			veventq_test_read(veventq, ubuf, REC_LEN - 1));
	/* The event stayed, whole, at the head. */
	KUNIT_EXPECT_EQ(test, 1, veventq->num_events);
	KUNIT_ASSERT_EQ(test, REC_LEN,
			veventq_test_read_back(test, veventq, ubuf, REC_LEN,
					       &rec));
	veventq_expect_event(test, &rec, 0, 7);
}

static void veventq_read_copies_whole_records(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 4);
	struct veventq_test_rec recs[3];
	struct viommu_vevent_header lost;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, i));

	/* One byte short of three records: two records. */
	KUNIT_ASSERT_EQ(test, 2 * REC_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       3 * REC_LEN - 1, recs));
	veventq_expect_event(test, &recs[0], 0, 0);
	veventq_expect_event(test, &recs[1], 1, 1);
	KUNIT_EXPECT_EQ(test, 1, veventq->num_events);

	/* Fill up: three more fit (depth 4), the fourth is lost. */
	for (i = 3; i < 7; i++)
		KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, i));
	KUNIT_EXPECT_EQ(test, 4, veventq->num_events);

	/* The marker needs only its header; 7 bytes are not enough. */
	KUNIT_ASSERT_EQ(test, 3 * REC_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       3 * REC_LEN + HDR_LEN - 1,
					       recs));
	veventq_expect_event(test, &recs[0], 2, 2);
	veventq_expect_event(test, &recs[1], 3, 3);
	veventq_expect_event(test, &recs[2], 4, 4);
	KUNIT_ASSERT_EQ(test, REC_LEN + HDR_LEN,
			veventq_test_read_back(test, veventq, ubuf,
					       REC_LEN + HDR_LEN, recs));
	veventq_expect_event(test, &recs[0], 5, 5);
	memcpy(&lost, &recs[1], sizeof(lost));
	veventq_expect_lost(test, &lost, 6);
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));
	KUNIT_EXPECT_EQ(test, 0, veventq->num_events);
}

/* Two pages, the second unmapped: a buffer can run off the first. */
static void __user *veventq_test_page_before_hole(struct kunit *test)
{
	unsigned long uaddr;

	/* Attaches the mm, with the helper's cleanup, before mapping more. */
	viommu_test_user_page(test);
	uaddr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE,
			      PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, 0, uaddr);
	KUNIT_ASSERT_EQ(test, 0, vm_munmap(uaddr + PAGE_SIZE, PAGE_SIZE));
	return (void __user *)uaddr;
}

static void veventq_read_efault_restores_record(struct kunit *test)
{
	char __user *page = veventq_test_page_before_hole(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 2);
	char __user *edge = page + PAGE_SIZE;
	struct veventq_test_rec recs[2];
	unsigned long ro;

	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0x10));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0x11));

	/* Nothing mapped there at all. */
	KUNIT_EXPECT_EQ(test, -EFAULT,
			veventq_test_read(veventq, edge, PAGE_SIZE));
	/* Mapped but read-only. */
	ro = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
			   MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, 0, ro);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			veventq_test_read(veventq, (void __user *)ro,
					  PAGE_SIZE));
	/* The header lands, the data runs into the hole. */
	KUNIT_EXPECT_EQ(test, -EFAULT,
			veventq_test_read(veventq, edge - HDR_LEN, PAGE_SIZE));
	/* The first record lands, the second runs into the hole. */
	KUNIT_EXPECT_EQ(test, REC_LEN,
			veventq_test_read(veventq, edge - REC_LEN - HDR_LEN,
					  PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0,
			copy_from_user(&recs[0], edge - REC_LEN - HDR_LEN,
				       REC_LEN));
	veventq_expect_event(test, &recs[0], 0, 0x10);

	/* The faulted record is still there, at the head, and counted. */
	KUNIT_EXPECT_EQ(test, 1, veventq->num_events);
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 0x12));
	KUNIT_ASSERT_EQ(test, 2 * REC_LEN,
			veventq_test_read_back(test, veventq, page,
					       sizeof(recs), recs));
	veventq_expect_event(test, &recs[0], 1, 0x11);
	veventq_expect_event(test, &recs[1], 2, 0x12);
}

static void veventq_read_efault_restores_marker(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 1);
	struct viommu_vevent_header lost;
	struct veventq_test_rec rec;

	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 1));
	KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, 2));
	KUNIT_ASSERT_EQ(test, REC_LEN,
			veventq_test_read_back(test, veventq, ubuf, REC_LEN,
					       &rec));

	/* Page 0 is never mapped (mmap_min_addr). */
	KUNIT_EXPECT_EQ(test, -EFAULT,
			veventq_test_read(veventq, (void __user *)16,
					  PAGE_SIZE));
	KUNIT_ASSERT_EQ(test, HDR_LEN,
			veventq_test_read_back(test, veventq, ubuf, PAGE_SIZE,
					       &lost));
	veventq_expect_lost(test, &lost, 1);
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));
}

static void veventq_report_enomem_queues_marker(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu_veventq *veventq = veventq_test_queue(test, 4);
	struct viommu_vevent_header lost;
	u64 data = 0;

	/* More than kmalloc can ever give: the allocation must fail. */
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			viommu_veventq_report(veventq, &data,
					      KMALLOC_MAX_SIZE + 1));
	KUNIT_EXPECT_EQ(test, 0, veventq->num_events);
	KUNIT_ASSERT_EQ(test, HDR_LEN,
			veventq_test_read_back(test, veventq, ubuf, PAGE_SIZE,
					       &lost));
	veventq_expect_lost(test, &lost, 0);
}

static void veventq_report_event_finds_type(struct kunit *test)
{
	void __user *ubuf = viommu_test_user_page(test);
	struct viommu *viommu = veventq_test_viommu(test);
	struct viommu_vevent_tegra241_cmdqv tegra = {};
	struct viommu_vevent_arm_smmuv3 smmu = {};
	struct viommu_veventq *veventq;
	struct veventq_test_rec rec;

	/* No vEVENTQ at all, then none of the type asked for. */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			viommu_report_event(viommu,
					    VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					    &smmu, sizeof(smmu)));
	KUNIT_ASSERT_EQ(test, 0,
			veventq_test_add(test, viommu,
					 VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2,
					 &veventq));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			viommu_report_event(viommu,
					    VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV,
					    &tegra, sizeof(tegra)));
	KUNIT_EXPECT_FALSE(test, viommu_veventq_pending(veventq));

	smmu.evt[0] = cpu_to_le64(0x99);
	smmu.evt[1] = cpu_to_le64(0x99);
	smmu.evt[2] = cpu_to_le64(0x99);
	smmu.evt[3] = cpu_to_le64(0x99);
	KUNIT_EXPECT_EQ(test, 0,
			viommu_report_event(viommu,
					    VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					    &smmu, sizeof(smmu)));
	KUNIT_ASSERT_EQ(test, REC_LEN,
			veventq_test_read_back(test, veventq, ubuf, PAGE_SIZE,
					       &rec));
	veventq_expect_event(test, &rec, 0, 0x99);
}

static void veventq_link_one_per_type(struct kunit *test)
{
	struct viommu *viommu = veventq_test_viommu(test);
	struct viommu_veventq *smmu, *dup, *tegra;

	KUNIT_ASSERT_EQ(test, 0,
			veventq_test_add(test, viommu,
					 VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2,
					 &smmu));
	KUNIT_EXPECT_EQ(test, -EEXIST,
			veventq_test_add(test, viommu,
					 VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2,
					 &dup));
	KUNIT_EXPECT_TRUE(test, list_empty(&dup->node));
	KUNIT_ASSERT_EQ(test, 0,
			veventq_test_add(test, viommu,
					 VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, 2,
					 &tegra));
	/* Each linked vEVENTQ pins the vIOMMU once. */
	KUNIT_EXPECT_EQ(test, 3, refcount_read(&viommu->obj.users));

	down_read(&viommu->veventqs_rwsem);
	KUNIT_EXPECT_PTR_EQ(test, smmu,
			    viommu_veventq_find(viommu,
						VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3));
	KUNIT_EXPECT_PTR_EQ(test, tegra,
			    viommu_veventq_find(viommu,
						VIOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV));
	up_read(&viommu->veventqs_rwsem);
}

static void veventq_unlink_frees_events(struct kunit *test)
{
	struct viommu_veventq *veventq = veventq_test_queue(test, 2);
	struct viommu *viommu = veventq->viommu;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, 0, veventq_test_report(veventq, i));

	/* Events and marker go (kmemleak checks the frees); so does the pin. */
	veventq_test_unlink(veventq);
	KUNIT_EXPECT_TRUE(test, list_empty(&veventq->deliver));
	KUNIT_EXPECT_TRUE(test, list_empty(&viommu->veventqs));
	KUNIT_EXPECT_EQ(test, 0, veventq->num_events);
	KUNIT_EXPECT_EQ(test, 1, refcount_read(&viommu->obj.users));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			viommu_report_event(viommu,
					    VIOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					    &i, sizeof(i)));
}

static struct kunit_case viommu_veventq_test_cases[] = {
	KUNIT_CASE(veventq_sequence_increments_and_wraps),
	KUNIT_CASE(veventq_full_queue_keeps_one_marker),
	KUNIT_CASE(veventq_later_event_replaces_marker),
	KUNIT_CASE(veventq_read_rejects_small_buffers),
	KUNIT_CASE(veventq_read_copies_whole_records),
	KUNIT_CASE(veventq_read_efault_restores_record),
	KUNIT_CASE(veventq_read_efault_restores_marker),
	KUNIT_CASE(veventq_report_enomem_queues_marker),
	KUNIT_CASE(veventq_report_event_finds_type),
	KUNIT_CASE(veventq_link_one_per_type),
	KUNIT_CASE(veventq_unlink_frees_events),
	{}
};

static struct kunit_suite viommu_veventq_test_suite = {
	.name = "viommu-veventq",
	.test_cases = viommu_veventq_test_cases,
};

kunit_test_suites(&viommu_veventq_test_suite);
