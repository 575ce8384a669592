"""Create the store: load log, quarantine, warehouse registry, indicators, observations and one table per small source.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 13:45:24.782843
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicators',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('domain', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('improvement', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=64), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('multiplier', sa.Float(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    op.create_table('load_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('rows_read', sa.BigInteger(), nullable=False),
    sa.Column('rows_loaded', sa.BigInteger(), nullable=False),
    sa.Column('rows_quarantined', sa.BigInteger(), nullable=False),
    sa.Column('periods', sa.Text(), nullable=True),
    sa.Column('replaced_periods', sa.Text(), nullable=True),
    sa.Column('observations', sa.BigInteger(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_load_log'))
    )
    with op.batch_alter_table('load_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_load_log_sha256'), ['sha256'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False),
    sa.Column('column', sa.String(length=128), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('check', sa.String(length=64), nullable=False),
    sa.Column('row', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_quarantine_load_id_load_log')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_file'), ['file'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_load_id'), ['load_id'], unique=False)

    op.create_table('src_diagnosis_groups',
    sa.Column('group_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Diagnosis group number.'),
    sa.Column('group_name', sa.Text(), autoincrement=False, nullable=False, comment='Name of the group.'),
    sa.Column('chapter', sa.Text(), autoincrement=False, nullable=False, comment='ICD-10 chapter the group falls in.'),
    sa.Column('symptom_group', sa.Boolean(), autoincrement=False, nullable=False, comment='1 for groups of symptom and sign codes (ICD-10 chapter R).'),
    sa.Column('perinatal_group', sa.Boolean(), autoincrement=False, nullable=False, comment='1 for perinatal groups (birthweight enters their model).'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_diagnosis_groups_load_id_load_log')),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_src_diagnosis_groups')),
    comment='SHMI-like diagnosis groups (about 140), the lookup for admissions.primary_diagnosis_group.'
    )
    with op.batch_alter_table('src_diagnosis_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_diagnosis_groups_period'), ['period'], unique=False)

    op.create_table('src_organisations',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('org_name', sa.Text(), autoincrement=False, nullable=False, comment='Name of the trust.'),
    sa.Column('region', sa.Text(), autoincrement=False, nullable=False, comment='NHS England region.'),
    sa.Column('icb', sa.Text(), autoincrement=False, nullable=False, comment='Integrated care board that commissions most of its activity.'),
    sa.Column('trust_type', sa.Text(), autoincrement=False, nullable=False, comment='Trust type and subtype, as in the SHMI/NHS Oversight groupings.'),
    sa.Column('teaching', sa.Boolean(), autoincrement=False, nullable=False, comment='1 for a teaching trust.'),
    sa.Column('beds', sa.BigInteger(), autoincrement=False, nullable=False, comment='General and acute beds available.'),
    sa.Column('cancer_network', sa.Text(), autoincrement=False, nullable=False, comment='Cancer alliance (network) the trust belongs to.'),
    sa.Column('synthetic', sa.Boolean(), autoincrement=False, nullable=False, comment='1 when the organisation is fictional (generated).'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_organisations_load_id_load_log')),
    sa.PrimaryKeyConstraint('org_code', name=op.f('pk_src_organisations')),
    comment='Provider trusts: one row each. Synthetic trusts are fictional and say so.'
    )
    with op.batch_alter_table('src_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_organisations_period'), ['period'], unique=False)

    op.create_table('src_safety_alerts',
    sa.Column('alert_id', sa.Text(), autoincrement=False, nullable=False, comment='Alert reference (e.g. NatPSA/2024/003/NHSPS).'),
    sa.Column('title', sa.Text(), autoincrement=False, nullable=False, comment='Title of the alert.'),
    sa.Column('issued_date', sa.Date(), autoincrement=False, nullable=False, comment='Date issued.'),
    sa.Column('deadline_date', sa.Date(), autoincrement=False, nullable=False, comment='Date by which actions must be complete.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_safety_alerts_load_id_load_log')),
    sa.PrimaryKeyConstraint('alert_id', name=op.f('pk_src_safety_alerts')),
    comment='National patient safety alerts issued, with their deadlines.'
    )
    with op.batch_alter_table('src_safety_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_safety_alerts_period'), ['period'], unique=False)

    op.create_table('warehouse_files',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_warehouse_files_load_id_load_log')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse_files')),
    sa.UniqueConstraint('source', 'period', name=op.f('uq_warehouse_files_source'))
    )
    with op.batch_alter_table('warehouse_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warehouse_files_source'), ['source'], unique=False)

    op.create_table('observations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_code', sa.Text(), nullable=False),
    sa.Column('indicator_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('numerator', sa.Float(), nullable=False),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('expected', sa.Float(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('load_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_observations_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_observations_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_observations_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
    sa.UniqueConstraint('org_code', 'indicator_id', 'period', name=op.f('uq_observations_org_code'))
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index('ix_observations_indicator_period', ['indicator_id', 'period'], unique=False)

    op.create_table('src_admin_backlog_monthly',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('month', sa.String(length=7), autoincrement=False, nullable=False, comment='Calendar month the figures cover (YYYY-MM).'),
    sa.Column('referrals_received', sa.BigInteger(), autoincrement=False, nullable=False, comment='Referrals received in the month.'),
    sa.Column('referrals_not_booked', sa.BigInteger(), autoincrement=False, nullable=False, comment='Referrals received but not booked at month end.'),
    sa.Column('letters_not_sent', sa.BigInteger(), autoincrement=False, nullable=False, comment='Clinic letters dictated but not sent at month end.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_admin_backlog_monthly_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_admin_backlog_monthly_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'month', name=op.f('pk_src_admin_backlog_monthly')),
    comment='Administrative backlog at month end: referrals received but not booked, clinic letters not sent.'
    )
    with op.batch_alter_table('src_admin_backlog_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_admin_backlog_monthly_period'), ['period'], unique=False)

    op.create_table('src_ae_monthly',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('month', sa.String(length=7), autoincrement=False, nullable=False, comment='Calendar month the figures cover (YYYY-MM).'),
    sa.Column('attendances_type1', sa.BigInteger(), autoincrement=False, nullable=False, comment='Type 1 (major emergency department) attendances.'),
    sa.Column('breaches_type1', sa.BigInteger(), autoincrement=False, nullable=False, comment='Type 1 attendances over 4 hours from arrival.'),
    sa.Column('attendances_other', sa.BigInteger(), autoincrement=False, nullable=False, comment='Type 2 and 3 attendances.'),
    sa.Column('breaches_other', sa.BigInteger(), autoincrement=False, nullable=False, comment='Type 2 and 3 attendances over 4 hours.'),
    sa.Column('emergency_admissions_via_ae', sa.BigInteger(), autoincrement=False, nullable=False, comment='Emergency admissions through A&E.'),
    sa.Column('waits_over_12h', sa.BigInteger(), autoincrement=False, nullable=False, comment='Attendances over 12 hours from arrival.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_ae_monthly_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_ae_monthly_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'month', name=op.f('pk_src_ae_monthly')),
    comment='Monthly A&E attendances and 4-hour breaches by department type.'
    )
    with op.batch_alter_table('src_ae_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_ae_monthly_period'), ['period'], unique=False)

    op.create_table('src_complaints',
    sa.Column('complaint_id', sa.Text(), autoincrement=False, nullable=False, comment='Complaint reference.'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('received_date', sa.Date(), autoincrement=False, nullable=False, comment='Date received.'),
    sa.Column('service', sa.Text(), autoincrement=False, nullable=False, comment='Service complained about.'),
    sa.Column('text', sa.Text(), autoincrement=False, nullable=False, comment='The complaint as written (free text).'),
    sa.Column('acknowledged_date', sa.Date(), autoincrement=False, nullable=True, comment='Date acknowledged (standard: 3 working days).'),
    sa.Column('responded_date', sa.Date(), autoincrement=False, nullable=True, comment='Date of the final response.'),
    sa.Column('outcome', sa.Text(), autoincrement=False, nullable=True, comment='Outcome once responded.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_complaints_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_complaints_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_src_complaints')),
    comment="Written complaints, one row each, with the complainant's words (contains personal details until redacted)."
    )
    with op.batch_alter_table('src_complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_complaints_period'), ['period'], unique=False)

    op.create_table('src_diagnostics_monthly',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('month', sa.String(length=7), autoincrement=False, nullable=False, comment='Calendar month the figures cover (YYYY-MM).'),
    sa.Column('modality', sa.Text(), autoincrement=False, nullable=False, comment='Test or imaging modality.'),
    sa.Column('waiting_list', sa.BigInteger(), autoincrement=False, nullable=False, comment='Patients waiting for the test at month end.'),
    sa.Column('waiting_over_6_weeks', sa.BigInteger(), autoincrement=False, nullable=False, comment='Of those, waiting over six weeks.'),
    sa.Column('tests_reported', sa.BigInteger(), autoincrement=False, nullable=False, comment='Tests reported in the month.'),
    sa.Column('median_report_days', sa.Float(), autoincrement=False, nullable=False, comment='Median days from test to report.'),
    sa.Column('reported_over_28_days', sa.BigInteger(), autoincrement=False, nullable=False, comment='Tests reported more than 28 days after the test.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_diagnostics_monthly_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_diagnostics_monthly_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'month', 'modality', name=op.f('pk_src_diagnostics_monthly')),
    comment='Diagnostic tests: waiting list, six-week waits and report turnaround by modality.'
    )
    with op.batch_alter_table('src_diagnostics_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_diagnostics_monthly_period'), ['period'], unique=False)

    op.create_table('src_gp_concerns',
    sa.Column('concern_id', sa.Text(), autoincrement=False, nullable=False, comment='Concern reference.'),
    sa.Column('practice_code', sa.Text(), autoincrement=False, nullable=False, comment='GP practice code (fictional).'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('raised_date', sa.Date(), autoincrement=False, nullable=False, comment='Date raised.'),
    sa.Column('category', sa.Text(), autoincrement=False, nullable=False, comment='What the concern is about.'),
    sa.Column('text', sa.Text(), autoincrement=False, nullable=False, comment="The concern in the practice's words (free text)."),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_gp_concerns_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_gp_concerns_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('concern_id', name=op.f('pk_src_gp_concerns')),
    comment='Concerns raised by GP practices about a provider (soft intelligence).'
    )
    with op.batch_alter_table('src_gp_concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_gp_concerns_period'), ['period'], unique=False)

    op.create_table('src_incidents_monthly',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('month', sa.String(length=7), autoincrement=False, nullable=False, comment='Calendar month the figures cover (YYYY-MM).'),
    sa.Column('no_harm', sa.BigInteger(), autoincrement=False, nullable=False, comment='Incidents with no harm.'),
    sa.Column('low_harm', sa.BigInteger(), autoincrement=False, nullable=False, comment='Low harm.'),
    sa.Column('moderate_harm', sa.BigInteger(), autoincrement=False, nullable=False, comment='Moderate harm.'),
    sa.Column('severe_harm', sa.BigInteger(), autoincrement=False, nullable=False, comment='Severe harm.'),
    sa.Column('death', sa.BigInteger(), autoincrement=False, nullable=False, comment='Incidents resulting in death.'),
    sa.Column('occupied_bed_days', sa.BigInteger(), autoincrement=False, nullable=False, comment='Occupied general and acute bed days in the month.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_incidents_monthly_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_incidents_monthly_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'month', name=op.f('pk_src_incidents_monthly')),
    comment='Patient safety incidents reported in the month by degree of harm, with occupied bed days as the reporting-rate denominator.'
    )
    with op.batch_alter_table('src_incidents_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_incidents_monthly_period'), ['period'], unique=False)

    op.create_table('src_information_requests',
    sa.Column('request_id', sa.Text(), autoincrement=False, nullable=False, comment='Request reference.'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('commissioner', sa.Text(), autoincrement=False, nullable=False, comment='Requesting commissioner (ICB).'),
    sa.Column('subject', sa.Text(), autoincrement=False, nullable=False, comment='What was requested.'),
    sa.Column('sent_date', sa.Date(), autoincrement=False, nullable=False, comment='Date sent.'),
    sa.Column('due_date', sa.Date(), autoincrement=False, nullable=False, comment='Date the answer is due.'),
    sa.Column('answered_date', sa.Date(), autoincrement=False, nullable=True, comment='Date answered; empty while unanswered.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_information_requests_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_information_requests_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_src_information_requests')),
    comment='Information requested by commissioners from providers, and when it was answered.'
    )
    with op.batch_alter_table('src_information_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_information_requests_period'), ['period'], unique=False)

    op.create_table('src_never_events',
    sa.Column('event_id', sa.Text(), autoincrement=False, nullable=False, comment='Event reference.'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('event_date', sa.Date(), autoincrement=False, nullable=False, comment='Date the event happened.'),
    sa.Column('reported_date', sa.Date(), autoincrement=False, nullable=False, comment='Date it was reported.'),
    sa.Column('category', sa.Text(), autoincrement=False, nullable=False, comment='Never event type.'),
    sa.Column('service', sa.Text(), autoincrement=False, nullable=False, comment='Service where it happened.'),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=False, comment='Short description (free text).'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_never_events_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_never_events_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_src_never_events')),
    comment='Never events, one row per event.'
    )
    with op.batch_alter_table('src_never_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_never_events_period'), ['period'], unique=False)

    op.create_table('src_peer_review_measures',
    sa.Column('review_id', sa.Text(), autoincrement=False, nullable=False, comment='Review reference (see peer_reviews.csv).'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('review_date', sa.Date(), autoincrement=False, nullable=False, comment='Date of the review visit (repeated for period replacement).'),
    sa.Column('measure_id', sa.Text(), autoincrement=False, nullable=False, comment='Measure reference, e.g. 11-2I-101.'),
    sa.Column('measure', sa.Text(), autoincrement=False, nullable=False, comment='What the measure requires.'),
    sa.Column('self_assessed_compliant', sa.Boolean(), autoincrement=False, nullable=False, comment='The service declared itself compliant.'),
    sa.Column('peer_review_compliant', sa.Boolean(), autoincrement=False, nullable=False, comment='The peer reviewers found it compliant.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_peer_review_measures_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_peer_review_measures_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('review_id', 'measure_id', name=op.f('pk_src_peer_review_measures')),
    comment="Compliance per measure for each review: the service's self-assessment and the peer reviewers' finding."
    )
    with op.batch_alter_table('src_peer_review_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_peer_review_measures_period'), ['period'], unique=False)

    op.create_table('src_peer_reviews',
    sa.Column('review_id', sa.Text(), autoincrement=False, nullable=False, comment='Review reference.'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('service', sa.Text(), autoincrement=False, nullable=False, comment='Service reviewed.'),
    sa.Column('review_date', sa.Date(), autoincrement=False, nullable=False, comment='Date of the review visit.'),
    sa.Column('findings', sa.Text(), autoincrement=False, nullable=False, comment="The reviewers' findings (free text)."),
    sa.Column('serious_concern', sa.Boolean(), autoincrement=False, nullable=False, comment='1 when the reviewers raised a serious concern or immediate risk.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_peer_reviews_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_peer_reviews_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('review_id', name=op.f('pk_src_peer_reviews')),
    comment='Peer reviews of services (cancer peer review programme style): one row per review.'
    )
    with op.batch_alter_table('src_peer_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_peer_reviews_period'), ['period'], unique=False)

    op.create_table('src_rtt_monthly',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('month', sa.String(length=7), autoincrement=False, nullable=False, comment='Calendar month the figures cover (YYYY-MM).'),
    sa.Column('specialty', sa.Text(), autoincrement=False, nullable=False, comment='Treatment function group.'),
    sa.Column('incomplete_pathways', sa.BigInteger(), autoincrement=False, nullable=False, comment='Patients waiting at month end.'),
    sa.Column('within_18_weeks', sa.BigInteger(), autoincrement=False, nullable=False, comment='Of those, waiting 18 weeks or less.'),
    sa.Column('over_52_weeks', sa.BigInteger(), autoincrement=False, nullable=False, comment='Of those, waiting over 52 weeks.'),
    sa.Column('harm_reviews_due', sa.BigInteger(), autoincrement=False, nullable=False, comment='Long waiters due a clinical harm review this month.'),
    sa.Column('harm_reviews_done', sa.BigInteger(), autoincrement=False, nullable=False, comment='Clinical harm reviews completed this month.'),
    sa.Column('harm_found', sa.BigInteger(), autoincrement=False, nullable=False, comment='Reviews that found moderate or severe harm.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_rtt_monthly_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_rtt_monthly_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'month', 'specialty', name=op.f('pk_src_rtt_monthly')),
    comment='Referral-to-treatment incomplete pathways at month end, by specialty, with clinical harm reviews of long waiters.'
    )
    with op.batch_alter_table('src_rtt_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_rtt_monthly_period'), ['period'], unique=False)

    op.create_table('src_safety_alert_compliance',
    sa.Column('alert_id', sa.Text(), autoincrement=False, nullable=False, comment='Alert reference (see safety_alerts.csv).'),
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('deadline_date', sa.Date(), autoincrement=False, nullable=False, comment="The alert's deadline (repeated for convenience)."),
    sa.Column('completed_date', sa.Date(), autoincrement=False, nullable=True, comment='Date the trust declared the actions complete.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_safety_alert_compliance_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_safety_alert_compliance_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('alert_id', 'org_code', name=op.f('pk_src_safety_alert_compliance')),
    comment="Each trust's completion of each alert; completed_date empty while still open."
    )
    with op.batch_alter_table('src_safety_alert_compliance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_safety_alert_compliance_period'), ['period'], unique=False)

    op.create_table('src_staff_survey',
    sa.Column('org_code', sa.Text(), autoincrement=False, nullable=False, comment='Organisation code (ODS style) of the provider trust.'),
    sa.Column('survey_year', sa.BigInteger(), autoincrement=False, nullable=False, comment='Survey year (fieldwork in the autumn of that year).'),
    sa.Column('responses', sa.BigInteger(), autoincrement=False, nullable=False, comment='Number of staff who responded.'),
    sa.Column('engagement', sa.Float(), autoincrement=False, nullable=False, comment='Staff engagement theme score (0-10).'),
    sa.Column('morale', sa.Float(), autoincrement=False, nullable=False, comment='Morale theme score (0-10).'),
    sa.Column('raising_concerns', sa.Float(), autoincrement=False, nullable=False, comment='We each have a voice that counts: raising concerns (0-10).'),
    sa.Column('burnout', sa.Float(), autoincrement=False, nullable=False, comment='Burnout sub-score (0-10, higher = less burnout).'),
    sa.Column('negative_experiences', sa.Float(), autoincrement=False, nullable=False, comment='Negative experiences sub-score (0-10, higher = fewer).'),
    sa.Column('recommend_care', sa.Float(), autoincrement=False, nullable=False, comment='Percent who would be happy with the standard of care for a friend or relative.'),
    sa.Column('load_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.BigInteger(), nullable=False, comment='Physical line in the file (header = 1).'),
    sa.Column('period', sa.String(length=7), nullable=True, comment='Period (YYYY-MM or YYYY) the row belongs to, for replacement.'),
    sa.ForeignKeyConstraint(['load_id'], ['load_log.id'], name=op.f('fk_src_staff_survey_load_id_load_log')),
    sa.ForeignKeyConstraint(['org_code'], ['src_organisations.org_code'], name=op.f('fk_src_staff_survey_org_code_src_organisations')),
    sa.PrimaryKeyConstraint('org_code', 'survey_year', name=op.f('pk_src_staff_survey')),
    comment='Annual NHS Staff Survey theme scores out of 10 (higher is better except burnout and negative experiences, reported as in the survey: higher is better for all).'
    )
    with op.batch_alter_table('src_staff_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_src_staff_survey_period'), ['period'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('src_staff_survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_staff_survey_period'))

    op.drop_table('src_staff_survey')
    with op.batch_alter_table('src_safety_alert_compliance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_safety_alert_compliance_period'))

    op.drop_table('src_safety_alert_compliance')
    with op.batch_alter_table('src_rtt_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_rtt_monthly_period'))

    op.drop_table('src_rtt_monthly')
    with op.batch_alter_table('src_peer_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_peer_reviews_period'))

    op.drop_table('src_peer_reviews')
    with op.batch_alter_table('src_peer_review_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_peer_review_measures_period'))

    op.drop_table('src_peer_review_measures')
    with op.batch_alter_table('src_never_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_never_events_period'))

    op.drop_table('src_never_events')
    with op.batch_alter_table('src_information_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_information_requests_period'))

    op.drop_table('src_information_requests')
    with op.batch_alter_table('src_incidents_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_incidents_monthly_period'))

    op.drop_table('src_incidents_monthly')
    with op.batch_alter_table('src_gp_concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_gp_concerns_period'))

    op.drop_table('src_gp_concerns')
    with op.batch_alter_table('src_diagnostics_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_diagnostics_monthly_period'))

    op.drop_table('src_diagnostics_monthly')
    with op.batch_alter_table('src_complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_complaints_period'))

    op.drop_table('src_complaints')
    with op.batch_alter_table('src_ae_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_ae_monthly_period'))

    op.drop_table('src_ae_monthly')
    with op.batch_alter_table('src_admin_backlog_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_admin_backlog_monthly_period'))

    op.drop_table('src_admin_backlog_monthly')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index('ix_observations_indicator_period')

    op.drop_table('observations')
    with op.batch_alter_table('warehouse_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warehouse_files_source'))

    op.drop_table('warehouse_files')
    with op.batch_alter_table('src_safety_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_safety_alerts_period'))

    op.drop_table('src_safety_alerts')
    with op.batch_alter_table('src_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_organisations_period'))

    op.drop_table('src_organisations')
    with op.batch_alter_table('src_diagnosis_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_src_diagnosis_groups_period'))

    op.drop_table('src_diagnosis_groups')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_load_id'))
        batch_op.drop_index(batch_op.f('ix_quarantine_file'))

    op.drop_table('quarantine')
    with op.batch_alter_table('load_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_load_log_sha256'))

    op.drop_table('load_log')
    op.drop_table('indicators')
