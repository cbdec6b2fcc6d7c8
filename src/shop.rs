//! The running shop: the festival's inventory, held in memory and backed by a
//! [`Store`]. Pages (through server functions) and the JSON API both call it,
//! so there is one way to read stock, and later one way to buy.

use crate::domain::{inventory::FestivalListing, Festival, Inventory};
use crate::store::{Store, StoreError};

pub struct Shop {
    inventory: Inventory,
    /// Kept for the writes that buying will add; holds the data folder's lock.
    _store: Box<dyn Store>,
}

impl Shop {
    /// Opens the shop on a store, seeding it with `seed` on first start.
    pub fn open(
        store: impl Store + 'static,
        seed: impl FnOnce() -> Festival,
    ) -> Result<Self, StoreError> {
        let festival = match store.load_festival()? {
            Some(festival) => festival,
            None => {
                let festival = seed();
                store.save_festival(&festival)?;
                tracing::info!(festival = %festival.name, "seeded a new data folder");
                festival
            }
        };
        Ok(Shop {
            inventory: Inventory::new(festival),
            _store: Box::new(store),
        })
    }

    /// Every stage with its remaining stock.
    pub fn listing(&self) -> FestivalListing {
        self.inventory.listing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::JsonStore;

    #[test]
    fn seeds_a_fresh_store_once_and_reads_it_back_after() {
        let dir = tempfile::tempdir().unwrap();
        let shop = Shop::open(JsonStore::open(dir.path()).unwrap(), Festival::reference).unwrap();
        assert_eq!(shop.listing().stages.len(), 4);
        drop(shop);

        let mut renamed = Festival::reference();
        renamed.name = "a different seed".into();
        let shop = Shop::open(JsonStore::open(dir.path()).unwrap(), || renamed).unwrap();
        assert_eq!(
            shop.listing().name,
            Festival::reference().name,
            "the saved festival wins"
        );
    }
}
