// Reads structures from PostgreSQL (the source of truth) and turns them into search documents.
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, MoreThan } from 'typeorm';
import { StructureEntity } from '@app/persistence';
import { ReferenceService, SECTORS } from '@app/reference';
import { DocumentReference, StructureDocument, buildStructureDocument } from './structure-document';

@Injectable()
export class StructureDocuments {
  private referenceView?: DocumentReference;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceService,
  ) {}

  /** Taxonomy labels, groups and keywords, commune, department and region names. */
  get documentReference(): DocumentReference {
    if (!this.referenceView) {
      const keywords = new Map<string, readonly string[]>(SECTORS.map((s) => [s.code, s.keywords]));
      const reference = this.reference;
      this.referenceView = {
        sector: (code) => {
          const sector = reference.sector(code);
          return sector && { label: sector.label, group: sector.group, keywords: keywords.get(code) ?? [] };
        },
        sectorGroup: (code) => reference.index.sectorGroup(code),
        communeName: (code) => reference.commune(code)?.name,
        departmentName: (code) => reference.department(code)?.name,
        regionName: (code) => reference.region(code)?.name,
      };
    }
    return this.referenceView;
  }

  build(structure: StructureEntity): StructureDocument | null {
    return buildStructureDocument(structure, this.documentReference);
  }

  /** Current documents of these structures; ids that are missing or delisted come back in `removed`. */
  async load(ids: string[]): Promise<{ documents: StructureDocument[]; removed: string[] }> {
    if (!ids.length) return { documents: [], removed: [] };
    const structures = await this.dataSource.getRepository(StructureEntity).findBy({ id: In(ids) });
    const documents: StructureDocument[] = [];
    const present = new Set<string>();
    for (const structure of structures) {
      const doc = this.build(structure);
      if (doc) {
        documents.push(doc);
        present.add(doc.id);
      }
    }
    return { documents, removed: ids.filter((id) => !present.has(id)) };
  }

  async countListed(): Promise<number> {
    return this.dataSource.getRepository(StructureEntity).countBy({ delistedAt: IsNull() });
  }

  /** Every listed structure, by keyset pages (constant memory, however large the catalogue). */
  async *all(batchSize = 1000): AsyncIterable<StructureDocument[]> {
    const repository = this.dataSource.getRepository(StructureEntity);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await repository.find({ where: { delistedAt: IsNull(), id: MoreThan(after) }, order: { id: 'ASC' }, take: batchSize });
      if (!page.length) return;
      after = page[page.length - 1].id;
      yield page.map((s) => this.build(s)).filter((d): d is StructureDocument => d !== null);
      if (page.length < batchSize) return;
    }
  }
}
